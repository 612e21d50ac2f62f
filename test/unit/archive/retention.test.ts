import { readdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyRetention, archivePattern } from '@sovereign-ci/archive';
import { tempDir, type TempDir } from '../../harness/temp';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir('archive-retention');
});
afterEach(() => tmp.cleanup());

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-01-10T00:00:00Z');

/** Writes `file` (and its .sha256) with a modification time `ageDays` before NOW. */
async function put(file: string, ageDays: number, withChecksum = true): Promise<void> {
  const when = new Date(NOW - ageDays * DAY);
  for (const f of withChecksum ? [file, `${file}.sha256`] : [file]) {
    await writeFile(path.join(tmp.path, f), f);
    await utimes(path.join(tmp.path, f), when, when);
  }
}

describe('applyRetention', () => {
  describe('when there are more archives of the name than keep', () => {
    it('removes the oldest with their checksums, never the one latest points at, nor other names', async () => {
      await put('app-aaaaaaaaaaaa.tar', 5);
      await put('app-bbbbbbbbbbbb.tar.gz', 4);
      await put('app-cccccccccccc.tar', 3);
      await put('app-dddddddddddd.tar', 2);
      await put('app-web-eeeeeeeeeeee.tar', 9);
      await put('notes.txt', 9, false);
      await symlink('app-aaaaaaaaaaaa.tar', path.join(tmp.path, 'latest'));
      const result = await applyRetention(tmp.path, 'app', 2, NOW);
      expect(result).toEqual({
        kept: ['app-dddddddddddd.tar', 'app-cccccccccccc.tar', 'app-aaaaaaaaaaaa.tar'],
        removed: ['app-bbbbbbbbbbbb.tar.gz'],
      });
      expect((await readdir(tmp.path)).sort()).toEqual(
        [
          'app-aaaaaaaaaaaa.tar',
          'app-aaaaaaaaaaaa.tar.sha256',
          'app-cccccccccccc.tar',
          'app-cccccccccccc.tar.sha256',
          'app-dddddddddddd.tar',
          'app-dddddddddddd.tar.sha256',
          'app-web-eeeeeeeeeeee.tar',
          'app-web-eeeeeeeeeeee.tar.sha256',
          'latest',
          'notes.txt',
        ].sort(),
      );
    });
  });

  describe('when a killed writer left temp files', () => {
    it('removes those older than a day and keeps a fresh one (a writer may still be running)', async () => {
      await put('.app-aaaaaaaaaaaa.tar.123-0a0b0c0d.partial', 2, false);
      await put('.app-cccccccccccc.tar.sha256.789-0a0b0c0d.partial', 2, false);
      await put('.app-bbbbbbbbbbbb.tar.456-0a0b0c0d.partial', 0, false);
      await applyRetention(tmp.path, 'app', 5, NOW);
      expect(await readdir(tmp.path)).toEqual(['.app-bbbbbbbbbbbb.tar.456-0a0b0c0d.partial']);
    });
  });
});

describe('archivePattern', () => {
  it.each([
    ['app-0123456789ab.tar', true],
    ['app-0123456789ab.tar.gz', true],
    ['app-0123456789ab.tar.sha256', false],
    ['app-web-0123456789ab.tar', false],
    ['app-0123456789a.tar', false],
    ['xapp-0123456789ab.tar', false],
  ])('%s matches: %s', (file, expected) => {
    expect(archivePattern('app').test(file)).toEqual(expected);
  });
});
