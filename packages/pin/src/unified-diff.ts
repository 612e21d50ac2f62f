import { createTwoFilesPatch } from 'diff';

/** A unified diff (`--- a/file`, `+++ b/file`, 3 lines of context) of one file's change. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, {
    context: 3,
  });
  return patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (\S+)\t\n/gm, '$1 $2\n');
}
