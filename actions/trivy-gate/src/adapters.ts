import * as cache from '@actions/cache';
import * as toolCache from '@actions/tool-cache';
import type { CacheStore, ToolCache } from '@sovereign-ci/trivy';

/** @actions/tool-cache (it reads RUNNER_TOOL_CACHE and RUNNER_TEMP itself). */
export const actionsToolCache: ToolCache = {
  find: (tool, version) => toolCache.find(tool, version),
  downloadTool: (url) => toolCache.downloadTool(url),
  extractTar: (file) => toolCache.extractTar(file),
  cacheDir: (dir, tool, version) => toolCache.cacheDir(dir, tool, version),
};

/** @actions/cache (on Forgejo it speaks the runner's legacy cache protocol). */
export const actionsCacheStore: CacheStore = {
  isFeatureAvailable: () => cache.isFeatureAvailable(),
  restoreCache: (paths, key, restoreKeys) => cache.restoreCache(paths, key, restoreKeys),
  saveCache: (paths, key) => cache.saveCache(paths, key),
};
