import { markdownTable } from '@sovereign-ci/action-kit';
import type { PinChange } from './repin';
import type { SkippedReference } from './types';

const short = (digest: string | null): string =>
  digest ? digest.replace(/^(sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1') : '(none)';

/** Markdown table of changes: file, image, tag, old digest → new digest. */
export function changesTable(changes: readonly PinChange[]): string {
  return markdownTable(
    ['file', 'image', 'tag', 'digest'],
    changes.map((c) => [
      `${c.file}:${c.line}`,
      c.image,
      c.tag + (c.platform ? ` (${c.platform})` : ''),
      `${short(c.old)} → ${short(c.new)}`,
    ]),
  );
}

/** Markdown table of skipped references with their reasons. */
export function skippedTable(skipped: readonly SkippedReference[]): string {
  return markdownTable(
    ['file', 'image', 'reason'],
    skipped.map((s) => [
      `${s.file}:${s.line}`,
      s.image || '-',
      s.detail ? `${s.reason}: ${s.detail}` : s.reason,
    ]),
  );
}

/** The pull request's body: deterministic (the same changes give the same text), so reruns can tell nothing changed. */
export function pullRequestBody(changes: readonly PinChange[], skipped: readonly SkippedReference[]): string {
  const parts = [
    `Re-pins ${changes.length} image reference${changes.length === 1 ? '' : 's'} to the digests their tags point at now.`,
    '',
    changesTable(changes),
    '',
    '<details><summary>Full digests</summary>',
    '',
    ...changes.map(
      (c) => `- \`${c.file}:${c.line}\` \`${c.image}:${c.tag}\`: \`${c.old ?? '(none)'}\` → \`${c.new}\``,
    ),
    '',
    '</details>',
  ];
  const unresolved = skipped.filter((s) => s.reason === 'unresolved');
  if (unresolved.length > 0)
    parts.push(
      '',
      `**${unresolved.length} reference(s) could not be resolved:**`,
      '',
      skippedTable(unresolved),
    );
  parts.push('', '<!-- sovereign-ci:repin -->');
  return parts.join('\n');
}
