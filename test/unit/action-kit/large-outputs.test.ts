import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../harness/fixtures';

const actionsDir = path.join(repoRoot, 'actions');

/** `setLarge('name'` calls in each action's sources: action -> sorted output names. */
function largeOutputsInSources(): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const action of readdirSync(actionsDir).sort()) {
    const src = path.join(actionsDir, action, 'src');
    if (!existsSync(src)) continue;
    const names = new Set<string>();
    for (const file of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(path.join(src, file), 'utf8');
      for (const match of text.matchAll(/\.setLarge\(\s*['"]([a-z0-9-]+)['"]/g)) names.add(match[1] ?? '');
    }
    if (names.size > 0) found[action] = [...names].sort();
  }
  return found;
}

/** The list between the `large outputs` markers of the action-kit README. */
function largeOutputsInReadme(): Record<string, string[]> {
  const readme = readFileSync(path.join(repoRoot, 'packages', 'action-kit', 'README.md'), 'utf8');
  const section = /<!-- large outputs -->([\s\S]*?)<!-- end large outputs -->/.exec(readme)?.[1] ?? '';
  const listed: Record<string, string[]> = {};
  for (const line of section.split('\n')) {
    const item = /^- ([a-z0-9-]+): (.+)$/.exec(line.trim());
    if (item?.[1] && item[2])
      listed[item[1]] = [...item[2].matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] ?? '');
  }
  return listed;
}

describe('setLarge outputs', () => {
  const inSources = largeOutputsInSources();

  it('are found in the sources (the scan itself works)', () => {
    expect(Object.keys(inSources).length).toBeGreaterThan(0);
  });

  describe.each(Object.entries(inSources))('when %s writes large outputs', (action, names) => {
    it('declares each of them and its <name>-file in action.yml', () => {
      const doc = parse(readFileSync(path.join(actionsDir, action, 'action.yml'), 'utf8')) as {
        outputs?: Record<string, unknown>;
      };
      const declared = Object.keys(doc.outputs ?? {});
      const missing = names.flatMap((name) => [name, `${name}-file`]).filter((o) => !declared.includes(o));
      expect(missing).toEqual([]);
    });
  });

  it('are the ones the action-kit README lists', () => {
    expect(largeOutputsInReadme()).toEqual(inSources);
  });
});
