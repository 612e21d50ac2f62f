import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { lexDockerfile, repin, scanDockerfile } from '@sovereign-ci/pin';
import { fixturePath } from '../../harness/fixtures';
import { tempDir, type TempDir } from '../../harness/temp';
import { FakePinClient } from './fake-pin-client';

const corpus = fixturePath('dockerfile', 'buildkit');

async function corpusFiles(dir = corpus, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await corpusFiles(path.join(dir, entry.name), p)));
    else if (entry.name === 'Dockerfile' || entry.name.endsWith('.Dockerfile')) out.push(p);
  }
  return out.sort();
}

/** An independent scan: FROM lines by regex, skipping heredoc bodies (BuildKit's `result` files where present). */
function expectedFroms(text: string, result: string | undefined): number {
  if (result !== undefined) return (result.match(/^\(from /gm) ?? []).length;
  return (text.match(/^[ \t]*FROM[ \t]+\S/gim) ?? []).length;
}

describe('BuildKit Dockerfile corpus', () => {
  let files: string[] = [];
  beforeAll(async () => {
    files = await corpusFiles();
  });

  it('holds the corpus files', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  describe('when every file is read', () => {
    it('reads each without error and finds every FROM', async () => {
      const mismatches: string[] = [];
      for (const file of files) {
        const text = await readFile(path.join(corpus, file), 'utf8');
        const resultPath = path.join(corpus, path.dirname(file), 'result');
        const result = await readFile(resultPath, 'utf8').catch(() => undefined);
        const found = lexDockerfile(text).instructions.filter((i) => i.keyword === 'FROM').length;
        const regex = (text.match(/^[ \t]*FROM[ \t]+\S/gim) ?? []).length;
        const scan = scanDockerfile(file, text);
        const fromRefs = [...scan.occurrences, ...scan.skipped].filter((o) => o.kind === 'from').length;
        if (
          found !== expectedFroms(text, result) ||
          fromRefs !== found ||
          (result === undefined && found !== regex)
        ) {
          mismatches.push(
            `${file}: lexer ${found}, refs ${fromRefs}, expected ${expectedFroms(text, result)}, regex ${regex}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('finds the same FROM images as BuildKit parsed', async () => {
      const mismatches: string[] = [];
      for (const file of files) {
        const result = await readFile(path.join(corpus, path.dirname(file), 'result'), 'utf8').catch(
          () => undefined,
        );
        if (result === undefined) continue;
        const expected = [...result.matchAll(/^\(from "([^"]+)"/gm)].map((m) => m[1]);
        const scan = scanDockerfile(file, await readFile(path.join(corpus, file), 'utf8'));
        const got = [...scan.occurrences, ...scan.skipped]
          .filter((o) => o.kind === 'from')
          .map((o) => ('text' in o ? o.text : o.image));
        if (JSON.stringify(got) !== JSON.stringify(expected))
          mismatches.push(`${file}: ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe('when the corpus is re-pinned twice', () => {
    let dir: TempDir;
    beforeAll(async () => {
      dir = await tempDir('pin-corpus');
      await cp(corpus, dir.path, { recursive: true });
    });
    afterAll(() => dir.cleanup());

    it('changes only the reference spans, then leaves every file byte-identical', async () => {
      const client = new FakePinClient();
      const options = {
        root: dir.path,
        paths: ['**/Dockerfile', '**/*.Dockerfile'],
        client,
        logger: silentLogger,
      };
      const images = new Set<string>();
      for (const file of files) {
        for (const o of scanDockerfile(file, await readFile(path.join(corpus, file), 'utf8')).occurrences)
          images.add(o.text);
      }
      for (const image of images) {
        const [name, tag] = image.includes(':') ? image.split(':') : [image, 'latest'];
        const repo = name?.includes('/') ? name : `library/${name}`;
        client.image(`docker.io/${repo}`, tag, 'linux/amd64');
      }
      const first = await repin(options);
      expect(first.skipped.filter((s) => s.reason === 'unresolved')).toEqual([]);
      expect(first.files.length).toBeGreaterThan(25);
      for (const f of first.files) {
        const before = f.before.split('\n');
        const after = f.after.split('\n');
        expect(after.length).toBe(before.length);
        after.forEach((line, i) => {
          const original = before[i] ?? '';
          let restored = line.replace(/@sha256:[a-f0-9]{64}/g, '');
          if (!original.includes(':latest')) restored = restored.replace(/:latest\b/g, '');
          expect(restored).toBe(original);
        });
      }
      for (const f of first.files) await writeFile(path.join(dir.path, f.file), f.after);
      const second = await repin(options);
      expect(second.files).toEqual([]);
      expect(second.changes).toEqual([]);
      expect(second.skipped.filter((s) => s.reason === 'pinned').length).toBe(first.changes.length);
    });
  });
});
