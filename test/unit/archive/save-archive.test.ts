import { execFile } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { failedDestinationsError, saveArchive, type SaveArchiveOptions } from '@sovereign-ci/archive';
import { tempDir, type TempDir } from '../../harness/temp';
import { fakeImage, type FakeImage } from './fake-image';

const run = promisify(execFile);
const IMAGE = { registry: '127.0.0.1:5000', repository: 'infra/runner', tag: 'v1' };

let tmp: TempDir;
let dirA: string;
let dirB: string;
beforeEach(async () => {
  tmp = await tempDir('archive-unit');
  dirA = path.join(tmp.path, 'a');
  dirB = path.join(tmp.path, 'b');
  await mkdir(dirA);
  await mkdir(dirB);
});
afterEach(() => tmp.cleanup());

function options(fake: FakeImage, extra: Partial<SaveArchiveOptions> = {}): SaveArchiveOptions {
  return {
    source: fake.source,
    image: IMAGE,
    platform: 'linux/amd64',
    destinations: [dirA, dirB],
    name: 'runner',
    keep: 5,
    compression: 'none',
    verify: true,
    logger: silentLogger,
    ...extra,
  };
}

const hex12 = (digest: string) => digest.slice(7, 19);

describe('saveArchive', () => {
  describe('when writing to two destinations', () => {
    it('reads each layer once and writes the same verified archive, checksum and latest to both', async () => {
      const fake = fakeImage();
      const result = await saveArchive(options(fake));
      const fileName = `runner-${hex12(fake.manifestDigest)}.tar`;
      expect(fake.source.blobReads).toEqual(fake.layers.map((l) => l.digest));
      expect(result.destinations).toEqual([
        { destination: dirA, path: path.join(dirA, fileName), removed: [] },
        { destination: dirB, path: path.join(dirB, fileName), removed: [] },
      ]);
      expect(result.archives).toEqual([path.join(dirA, fileName), path.join(dirB, fileName)]);
      for (const dir of [dirA, dirB]) {
        expect((await readdir(dir)).sort()).toEqual([fileName, `${fileName}.sha256`, 'latest'].sort());
        expect(await readlink(path.join(dir, 'latest'))).toEqual(fileName);
        const { stdout } = await run('sha256sum', ['-c', `${fileName}.sha256`], { cwd: dir });
        expect(stdout).toEqual(`${fileName}: OK\n`);
        expect(await readFile(path.join(dir, `${fileName}.sha256`), 'utf8')).toEqual(
          `${result.sha256}  ${fileName}\n`,
        );
        const { stdout: listing } = await run('tar', ['-tf', fileName], { cwd: dir });
        expect(listing.split('\n').filter(Boolean)).toEqual([
          'blobs/',
          'blobs/sha256/',
          `blobs/sha256/${fake.configDigest.slice(7)}`,
          ...fake.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
          `blobs/sha256/${fake.manifestDigest.slice(7)}`,
          'index.json',
          'manifest.json',
          'oci-layout',
        ]);
        expect((await lstat(path.join(dir, fileName))).size).toEqual(result.bytes);
      }
      expect(result.digest).toEqual(fake.manifestDigest);
      expect(failedDestinationsError(result)).toBeUndefined();
    });

    it('stores every blob byte for byte as the registry served it', async () => {
      const fake = fakeImage();
      await saveArchive(options(fake, { destinations: [dirA] }));
      const out = path.join(tmp.path, 'x');
      await mkdir(out);
      await run('tar', ['-xf', path.join(dirA, `runner-${hex12(fake.manifestDigest)}.tar`), '-C', out]);
      for (const [digest, bytes] of fake.blobs) {
        expect((await readFile(path.join(out, 'blobs', 'sha256', digest.slice(7)))).equals(bytes)).toBe(true);
      }
    });
  });

  describe('when compression is gzip', () => {
    it('writes a .tar.gz that gzip and tar read', async () => {
      const fake = fakeImage();
      const result = await saveArchive(options(fake, { compression: 'gzip', destinations: [dirA] }));
      expect(result.fileName).toEqual(`runner-${hex12(fake.manifestDigest)}.tar.gz`);
      await run('gzip', ['-t', result.fileName], { cwd: dirA });
      const { stdout } = await run('tar', ['-tzf', result.fileName], { cwd: dirA });
      expect(stdout).toContain('manifest.json\n');
      await run('sha256sum', ['-c', `${result.fileName}.sha256`], { cwd: dirA });
    });
  });

  describe('when the reference names an index', () => {
    it.each(['linux/amd64', 'linux/arm64'])('saves the %s manifest', async (platform) => {
      const fake = fakeImage({ platforms: ['linux/amd64', 'linux/arm64'] });
      const result = await saveArchive(options(fake, { platform, destinations: [dirA] }));
      expect(result.digest).toEqual(fake.platformDigests[platform]);
      expect(result.indexDigest).toMatch(/^sha256:/);
    });
  });

  describe('when a destination cannot be written', () => {
    it('fails that one alone, writes the others and names it in the error', async () => {
      const fake = fakeImage();
      const file = path.join(tmp.path, 'regular-file');
      await writeFile(file, 'x');
      const underFile = path.join(file, 'dir');
      const missing = path.join(tmp.path, 'missing');
      const result = await saveArchive(options(fake, { destinations: [underFile, dirA, missing] }));
      expect(result.destinations).toEqual([
        { destination: underFile, error: 'is not a directory (or a parent is not) (ENOTDIR)', removed: [] },
        { destination: dirA, path: path.join(dirA, result.fileName), removed: [] },
        { destination: missing, error: 'does not exist (ENOENT)', removed: [] },
      ]);
      expect(failedDestinationsError(result)?.message).toEqual(
        `2 of 3 destination(s) not written:\n${underFile}: is not a directory (or a parent is not) (ENOTDIR)\n` +
          `${missing}: does not exist (ENOENT)`,
      );
    });

    it('fails a directory it may not write to (sysfs refuses new files, even to root)', async () => {
      const result = await saveArchive(options(fakeImage(), { destinations: ['/sys', dirA] }));
      expect(result.destinations).toEqual([
        { destination: '/sys', error: 'is not writable (permission denied) (EACCES)', removed: [] },
        { destination: dirA, path: path.join(dirA, result.fileName), removed: [] },
      ]);
    });

    it('throws when no destination can be written, without reading a layer', async () => {
      const fake = fakeImage();
      const missing = path.join(tmp.path, 'missing');
      await expect(saveArchive(options(fake, { destinations: [missing] }))).rejects.toThrow(
        `no destination could be written:\n${missing}: does not exist (ENOENT)`,
      );
      expect(fake.source.blobReads).toEqual([]);
    });
  });

  describe('when a blob arrives corrupted', () => {
    it('fails verification, publishes nothing and leaves no temp file', async () => {
      const seed = fakeImage();
      const fake = fakeImage({ corrupt: seed.layers[0]?.digest });
      const result = await saveArchive(options(fake));
      expect(result.archives).toEqual([]);
      expect(result.destinations.map((d) => d.error)).toEqual([
        expect.stringContaining(
          `verification failed: blobs/sha256/${seed.layers[0]?.digest.slice(7)} has digest`,
        ),
        expect.stringContaining('verification failed'),
      ]);
      expect(await readdir(dirA)).toEqual([]);
    });
  });

  describe('when the writer is aborted mid-way', () => {
    it('leaves no file under the final name and latest on the previous archive', async () => {
      const previous = await saveArchive(options(fakeImage({ seed: 'old' }), { destinations: [dirA] }));
      const fake = fakeImage({ seed: 'new', layerSizes: [200_000] });
      const controller = new AbortController();
      const slow = {
        ...fake.source,
        blobs: {
          ...fake.source.blobs,
          async fetch(d: Parameters<typeof fake.source.blobs.fetch>[0]) {
            const inner = await fake.source.blobs.fetch(d);
            return Readable.from(
              (async function* () {
                for await (const chunk of inner) {
                  yield chunk as Buffer;
                  controller.abort();
                  await new Promise((r) => setTimeout(r, 20));
                }
              })(),
            );
          },
        },
      };
      await expect(
        saveArchive(options(fake, { source: slow, destinations: [dirA], signal: controller.signal })),
      ).rejects.toThrow(/abort/i);
      expect((await readdir(dirA)).sort()).toEqual(
        [previous.fileName, `${previous.fileName}.sha256`, 'latest'].sort(),
      );
      expect(await readlink(path.join(dirA, 'latest'))).toEqual(previous.fileName);
    });
  });

  describe('when a directory is given twice (`/a`, `/a/`, a symlink to it)', () => {
    it('writes it once and reports it once', async () => {
      const link = path.join(tmp.path, 'link-to-a');
      await symlink(dirA, link);
      const fake = fakeImage();
      const result = await saveArchive(options(fake, { destinations: [dirA, `${dirA}/`, link, dirB] }));
      expect(result.destinations).toEqual([
        { destination: dirA, path: path.join(dirA, result.fileName), removed: [] },
        { destination: dirB, path: path.join(dirB, result.fileName), removed: [] },
      ]);
      expect((await readdir(dirA)).sort()).toEqual(
        [result.fileName, `${result.fileName}.sha256`, 'latest'].sort(),
      );
    });
  });

  describe('when run several times with keep', () => {
    it('keeps the newest archives of the name and the one latest points at', async () => {
      await writeFile(path.join(dirA, 'other-0123456789ab.tar'), 'another name: never touched');
      const names: string[] = [];
      for (const seed of ['1', '2', '3', '4']) {
        names.push(
          (await saveArchive(options(fakeImage({ seed }), { destinations: [dirA], keep: 2 }))).fileName,
        );
      }
      expect((await readdir(dirA)).sort()).toEqual(
        [
          'latest',
          'other-0123456789ab.tar',
          names[2],
          `${names[2]}.sha256`,
          names[3],
          `${names[3]}.sha256`,
        ].sort(),
      );
      const result = await saveArchive(options(fakeImage({ seed: '5' }), { destinations: [dirA], keep: 1 }));
      expect(result.destinations[0]?.removed).toEqual([names[3], names[2]]);
    });
  });
});
