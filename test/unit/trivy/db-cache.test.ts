import { describe, expect, it } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import { dbCacheKey, restoreDbCache, saveDbCache, type CacheStore } from '@sovereign-ci/trivy';

function fakeStore(available: boolean, cached: string[] = [], fail = false) {
  const calls: string[] = [];
  const store: CacheStore = {
    isFeatureAvailable: () => {
      calls.push('isFeatureAvailable');
      return available;
    },
    restoreCache: async (paths, key, restoreKeys) => {
      calls.push(`restore ${paths.join(',')} ${key} ${restoreKeys?.join(',')}`);
      if (fail) throw new Error('cache service unreachable');
      return cached.find((k) => k === key) ?? cached.find((k) => restoreKeys?.some((p) => k.startsWith(p)));
    },
    saveCache: async (paths, key) => {
      calls.push(`save ${paths.join(',')} ${key}`);
      return 1;
    },
  };
  return { store, calls };
}

describe('the Trivy DB cache', () => {
  const now = new Date('2026-12-04T10:00:00Z');
  const key = dbCacheKey(now, 'harbor.lab/ghcr/aquasecurity/trivy-db:2');

  it('is keyed by day and DB source', () => {
    expect(key).toBe('trivy-db-harbor.lab_ghcr_aquasecurity_trivy-db_2+default-2026-12-04');
  });

  describe('when the runner has no cache service', () => {
    it('asks isFeatureAvailable first and touches nothing else', async () => {
      const { store, calls } = fakeStore(false);
      expect(await restoreDbCache(store, '/c', key, recordingLogger())).toEqual({ exactHit: false });
      await saveDbCache(store, '/c', key, recordingLogger());
      expect(calls).toEqual(['isFeatureAvailable', 'isFeatureAvailable']);
    });
  });

  describe('when it has one', () => {
    it('restores and saves the databases only, not the layer cache', async () => {
      const { store, calls } = fakeStore(true);
      await restoreDbCache(store, '/c', key, recordingLogger());
      await saveDbCache(store, '/c', key, recordingLogger());
      expect(calls.filter((c) => c.startsWith('save'))).toEqual([`save /c/db,/c/java-db ${key}`]);
    });

    it.each([
      [[key], { restoredKey: key, exactHit: true }],
      [
        ['trivy-db-harbor.lab_ghcr_aquasecurity_trivy-db_2+default-2026-12-03'],
        {
          restoredKey: 'trivy-db-harbor.lab_ghcr_aquasecurity_trivy-db_2+default-2026-12-03',
          exactHit: false,
        },
      ],
      [[], { restoredKey: undefined, exactHit: false }],
    ])('cached %j restores %j', async (cached, expected) => {
      const { store, calls } = fakeStore(true, cached);
      expect(await restoreDbCache(store, '/c', key, recordingLogger())).toEqual(expected);
      expect(calls[1]).toBe(
        `restore /c/db,/c/java-db ${key} trivy-db-harbor.lab_ghcr_aquasecurity_trivy-db_2+default-`,
      );
    });

    it('a failing cache service is a warning, never a failed scan', async () => {
      const { store } = fakeStore(true, [], true);
      const logger = recordingLogger();
      expect(await restoreDbCache(store, '/c', key, logger)).toEqual({ exactHit: false });
      expect(logger.lines).toEqual([
        'warning: trivy DB cache: restore failed (cache service unreachable); continuing without',
      ]);
    });
  });
});
