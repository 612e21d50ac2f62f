import { execFile } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import {
  checksumFile,
  planArchive,
  resolveImage,
  saveArchive,
  verifyArchive,
  type ArchivePlan,
} from '@sovereign-ci/archive';
import { tempDir, type TempDir } from '../../harness/temp';
import { fakeImage } from './fake-image';

let tmp: TempDir;
let archive: string;
let sha256: string;
let plan: ArchivePlan;
let layerOffset: number;

beforeEach(async () => {
  tmp = await tempDir('archive-verify');
  const fake = fakeImage();
  const image = { registry: '127.0.0.1:5000', repository: 'infra/runner', tag: 'v1' };
  const result = await saveArchive({
    source: fake.source,
    image,
    platform: 'linux/amd64',
    destinations: [tmp.path],
    name: 'runner',
    keep: 5,
    compression: 'none',
    verify: false,
    logger: silentLogger,
  });
  archive = path.join(tmp.path, result.fileName);
  sha256 = result.sha256;
  plan = planArchive(await resolveImage(fake.source, image, 'linux/amd64'));
  const bytes = await readFile(archive);
  const layer = fake.blobs.get(fake.layers[0]?.digest ?? '') as Buffer;
  layerOffset = bytes.indexOf(layer);
});
afterEach(() => tmp.cleanup());

async function flipByte(offset: number): Promise<void> {
  const handle = await open(archive, 'r+');
  const byte = Buffer.alloc(1);
  await handle.read(byte, 0, 1, offset);
  byte[0] = (byte[0] as number) ^ 0xff;
  await handle.write(byte, 0, 1, offset);
  await handle.close();
}

describe('verifyArchive', () => {
  describe('when the file is intact', () => {
    it.each(['full', 'checksum'] as const)('passes (depth %s)', async (depth) => {
      await expect(verifyArchive(archive, { sha256, plan, depth })).resolves.toBeUndefined();
    });
  });

  describe('when a byte of a layer changed on disk', () => {
    it('reports the checksum and the blob whose digest no longer matches', async () => {
      expect(layerOffset).toBeGreaterThan(0);
      await flipByte(layerOffset + 10);
      const digest = plan.blobs.find((b) => b.mediaType.includes('layer'))?.digest ?? '';
      await expect(verifyArchive(archive, { sha256, plan })).rejects.toThrow(
        new RegExp(
          `sha256 is [0-9a-f]{64}, wrote ${sha256}; blobs/sha256/${digest.slice(7)} has digest sha256:`,
        ),
      );
    });

    it('still reports the checksum when blob digests are not recomputed', async () => {
      await flipByte(layerOffset + 10);
      await expect(verifyArchive(archive, { sha256, plan, depth: 'checksum' })).rejects.toThrow(
        /^verification failed: sha256 is [0-9a-f]{64}, wrote [0-9a-f]{64}$/,
      );
    });
  });

  describe('when manifest.json is not the one written', () => {
    it('says so', async () => {
      const other = { ...plan, manifestJson: Buffer.from('[]') };
      await expect(verifyArchive(archive, { sha256, plan: other })).rejects.toThrow(
        'verification failed: manifest.json differs from the one written',
      );
    });
  });

  describe('when the file is truncated', () => {
    it('fails', async () => {
      const bytes = await readFile(archive);
      await writeFile(archive, bytes.subarray(0, layerOffset + 100));
      await expect(verifyArchive(archive, { sha256, plan })).rejects.toThrow();
    });
  });
});

describe('checksumFile', () => {
  it('agrees with sha256sum', async () => {
    const { stdout } = await promisify(execFile)('sha256sum', [archive]);
    expect(await checksumFile(archive)).toEqual({
      sha256: stdout.split(' ')[0],
      bytes: (await readFile(archive)).length,
    });
  });

  it('rejects for a missing file', async () => {
    await expect(checksumFile(path.join(tmp.path, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
