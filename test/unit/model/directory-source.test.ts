import { mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import { directorySource, fileDigestCache } from '@sovereign-ci/model';
import { tempDir, type TempDir } from '../../harness/temp';

describe('directorySource', () => {
  let tmp: TempDir;
  let dir: string;

  beforeAll(async () => {
    tmp = await tempDir('dir-source');
    dir = path.join(tmp.path, 'model');
    const files: Record<string, string> = {
      'config.json': '{}',
      'a/b/c.safetensors': 'weights',
      '.git/HEAD': 'ref: refs/heads/main',
      '.cache/huggingface/download/config.json.metadata': 'etag',
      '.cache/other/keep.txt': 'kept',
      'outside/target.bin': 'linked',
    };
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    await symlink(path.join(dir, 'outside', 'target.bin'), path.join(dir, 'linked.bin'));
    await symlink(path.join(dir, 'a'), path.join(dir, 'dir-link'));
    await utimes(
      path.join(dir, 'a/b/c.safetensors'),
      new Date('2025-03-01T10:00:00Z'),
      new Date('2025-03-01T10:00:00Z'),
    );
    for (const rel of [
      'config.json',
      '.cache/other/keep.txt',
      'outside/target.bin',
      '.git/HEAD',
      '.cache/huggingface/download/config.json.metadata',
    ]) {
      await utimes(path.join(dir, rel), new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    }
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  describe('when the tree has tool folders and links', () => {
    it('lists regular files and links to files, skips .git, the Hugging Face cache and links to folders', async () => {
      const logger = recordingLogger();
      const source = await directorySource({ dir, logger, revision: 'v3' });
      expect(source.files.map((f) => [f.path, f.size])).toEqual([
        ['.cache/other/keep.txt', 4],
        ['a/b/c.safetensors', 7],
        ['config.json', 2],
        ['linked.bin', 6],
        ['outside/target.bin', 6],
      ]);
      expect({
        kind: source.kind,
        name: source.name,
        revision: source.revision,
        created: source.created,
      }).toEqual({
        kind: 'directory',
        name: 'model',
        revision: 'v3',
        created: '2025-03-01T10:00:00.000Z',
      });
      expect(logger.lines).toContain('warning: skipping dir-link: not a regular file');
      const chunks: Buffer[] = [];
      for await (const c of await (source.files[3]?.open() ?? Promise.reject(new Error('missing'))))
        chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('linked');
    });
  });
});

describe('directorySource cache keys', () => {
  describe('when a file is rewritten with the same size and its mtime put back', () => {
    it('gives the file a new cache key, so a remembered digest is not reused', async () => {
      const tmp = await tempDir('dir-source-key');
      try {
        const file = path.join(tmp.path, 'w.safetensors');
        const mtime = new Date('2025-01-01T00:00:00Z');
        await writeFile(file, 'content-1');
        await utimes(file, mtime, mtime);
        const before = (await directorySource({ dir: tmp.path })).files[0]?.cacheKey;
        await new Promise((resolve) => setTimeout(resolve, 20));
        await writeFile(file, 'content-2');
        await utimes(file, mtime, mtime);
        const after = await directorySource({ dir: tmp.path });
        expect(after.files.map((f) => [f.path, f.size])).toEqual([['w.safetensors', 9]]);
        expect(after.files[0]?.cacheKey).not.toBe(before);
      } finally {
        await tmp.cleanup();
      }
    });
  });
});

describe('fileDigestCache', () => {
  describe('when saved and read again', () => {
    it('keeps valid digests and ignores junk', async () => {
      const tmp = await tempDir('digest-cache');
      try {
        const file = path.join(tmp.path, 'sub', 'cache.json');
        const cache = await fileDigestCache(file);
        cache.set('k1', `sha256:${'a'.repeat(64)}`);
        cache.set('k2', 'not-a-digest');
        await cache.save();
        const again = await fileDigestCache(file);
        expect([again.get('k1'), again.get('k2'), again.get('k3')]).toEqual([
          `sha256:${'a'.repeat(64)}`,
          undefined,
          undefined,
        ]);
        await writeFile(file, '[garbage');
        expect((await fileDigestCache(file)).get('k1')).toBeUndefined();
        expect(await readFile(file, 'utf8')).toBe('[garbage');
      } finally {
        await tmp.cleanup();
      }
    });
  });
});
