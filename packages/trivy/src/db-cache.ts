import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';

/** The parts of @actions/cache the DB cache uses (injected: the library reads the runner's env). */
export interface CacheStore {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], key: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

/** `trivy-db-<repository>-YYYY-MM-DD`: one DB per day and DB source. */
export function dbCacheKey(now: Date, dbRepository?: string, javaDbRepository?: string): string {
  const source = [dbRepository ?? 'default', javaDbRepository ?? 'default']
    .join('+')
    .replace(/[^A-Za-z0-9._+-]/g, '_');
  return `trivy-db-${source}-${now.toISOString().slice(0, 10)}`;
}

/** Only the databases in Trivy's cache dir are cached (not its per-image layer cache, `fanal`). */
export function dbCachePaths(cacheDir: string): string[] {
  return [path.join(cacheDir, 'db'), path.join(cacheDir, 'java-db')];
}

export interface DbCacheResult {
  /** The key restored (today's, or an earlier day's as a fallback), if any. */
  restoredKey?: string;
  exactHit: boolean;
}

/** Restores Trivy's cache dir; a no-op when the runner has no cache service. Cache trouble never fails a scan. */
export async function restoreDbCache(
  store: CacheStore,
  dir: string,
  key: string,
  logger: Logger,
): Promise<DbCacheResult> {
  if (!store.isFeatureAvailable()) {
    logger.info('trivy DB cache: the runner has no cache service; skipping');
    return { exactHit: false };
  }
  const prefix = key.replace(/\d{4}-\d{2}-\d{2}$/, '');
  try {
    const restoredKey = await store.restoreCache(dbCachePaths(dir), key, [prefix]);
    logger.info(
      restoredKey ? `trivy DB cache: restored ${restoredKey}` : 'trivy DB cache: nothing cached yet',
    );
    return { restoredKey, exactHit: restoredKey === key };
  } catch (error) {
    logger.warning(`trivy DB cache: restore failed (${(error as Error).message}); continuing without`);
    return { exactHit: false };
  }
}

export async function saveDbCache(
  store: CacheStore,
  dir: string,
  key: string,
  logger: Logger,
): Promise<void> {
  if (!store.isFeatureAvailable()) return;
  try {
    await store.saveCache(dbCachePaths(dir), key);
    logger.info(`trivy DB cache: saved ${key}`);
  } catch (error) {
    logger.warning(`trivy DB cache: save failed (${(error as Error).message})`);
  }
}
