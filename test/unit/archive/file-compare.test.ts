import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSameContents } from '@sovereign-ci/archive';

describe('assertSameContents', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true }))));
  const files = async (a: Buffer, b: Buffer) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'compare-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'a'), a);
    await writeFile(path.join(dir, 'b'), b);
    return [path.join(dir, 'a'), path.join(dir, 'b')] as const;
  };
  const bytes = randomBytes(3 * 1024 * 1024 + 17);

  it('passes for identical copies', async () => {
    const [a, b] = await files(bytes, Buffer.from(bytes));
    await expect(assertSameContents(a, b)).resolves.toBeUndefined();
  });
  it('names the first differing 1 MiB block of a copy with one byte flipped', async () => {
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(2 * 1024 * 1024 + 5) ^ 0xff, 2 * 1024 * 1024 + 5);
    const [a, b] = await files(bytes, flipped);
    await expect(assertSameContents(a, b)).rejects.toThrow(
      'read back differs from the verified copy from byte 2097152',
    );
  });
  it('fails for a truncated copy', async () => {
    const [a, b] = await files(bytes, bytes.subarray(0, bytes.length - 1));
    await expect(assertSameContents(a, b)).rejects.toThrow(
      'read back differs from the verified copy from byte 0',
    );
  });
});
