import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FanOut, writeFailed } from '@sovereign-ci/archive';
import { tempDir, type TempDir } from '../../harness/temp';
import { pseudoRandom } from './fake-image';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('archive-fanout');
});
afterEach(() => tmp.cleanup());

function chunks(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) parts.push(data.subarray(off, off + size));
  return Readable.from(parts);
}

describe('FanOut', () => {
  describe('when every file can be written', () => {
    it('writes the same bytes to each and hashes them', async () => {
      const data = pseudoRandom('fan-out', 5 * 1024 * 1024 + 123);
      const files = ['a', 'b', 'c'].map((n) => path.join(tmp.path, n));
      const handles = await Promise.all(files.map((f) => open(f, 'w')));
      const fanOut = new FanOut(files.map((f, i) => ({ label: f, handle: handles[i] as never })));
      await pipeline(chunks(data, 7000), fanOut);
      await Promise.all(handles.map((h) => h.close()));
      for (const f of files) expect((await readFile(f)).equals(data)).toBe(true);
      expect(fanOut.sha256()).toEqual(createHash('sha256').update(data).digest('hex'));
      expect(fanOut.bytes).toEqual(data.length);
    });
  });

  describe('when one file fails', () => {
    it('drops it with its error and completes the others', async () => {
      const data = pseudoRandom('fan-out-2', 300_000);
      const good = await open(path.join(tmp.path, 'good'), 'w');
      const bad = await open(path.join(tmp.path, 'bad'), 'w');
      await bad.close();
      const fanOut = new FanOut([
        { label: 'bad', handle: bad },
        { label: 'good', handle: good },
      ]);
      await pipeline(chunks(data, 16384), fanOut);
      await good.close();
      expect([...fanOut.failures.keys()]).toEqual(['bad']);
      expect(fanOut.failures.get('bad')?.message).toMatch(/EBADF|closed/);
      expect(fanOut.live.map((t) => t.label)).toEqual(['good']);
      expect((await readFile(path.join(tmp.path, 'good'))).equals(data)).toBe(true);
    });
  });

  describe('when a file system is full', () => {
    it('drops that file and its destination error says so', async () => {
      const data = pseudoRandom('fan-out-full', 300_000);
      const good = await open(path.join(tmp.path, 'good'), 'w');
      const full = await open('/dev/full', 'w');
      const fanOut = new FanOut([
        { label: '/mnt/full', handle: full },
        { label: 'good', handle: good },
      ]);
      await pipeline(chunks(data, 16384), fanOut);
      await Promise.all([good.close(), full.close()]);
      expect(writeFailed('/mnt/full', fanOut.failures.get('/mnt/full')).message).toEqual(
        'destination /mnt/full: could not be written: has no space left (ENOSPC)',
      );
      expect((await readFile(path.join(tmp.path, 'good'))).equals(data)).toBe(true);
    });
  });

  describe('when every file fails', () => {
    it('errors the stream naming them', async () => {
      const bad = await open(path.join(tmp.path, 'bad'), 'w');
      await bad.close();
      await expect(
        pipeline(chunks(Buffer.alloc(1000), 100), new FanOut([{ label: 'bad', handle: bad }])),
      ).rejects.toThrow(/^no destination could be written \(bad: /);
    });
  });
});
