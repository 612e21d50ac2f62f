import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createActionContext } from '@sovereign-ci/action-kit';
import type { CacheStore, ToolCache } from '@sovereign-ci/trivy';
import type { Dependencies } from '../../../actions/trivy-gate/src/sources';
import { fakeCommands } from '../../harness/recorded-run';

/** A tool cache that fails the test if anything is installed. */
export const noToolCache: ToolCache = {
  find: () => '',
  downloadTool: () => Promise.reject(new Error('no download expected')),
  extractTar: () => Promise.reject(new Error('no extract expected')),
  cacheDir: () => Promise.reject(new Error('no cache expected')),
};

/** A runner without a cache service. */
export const noCacheService: CacheStore = {
  isFeatureAvailable: () => false,
  restoreCache: () => Promise.reject(new Error('not available')),
  saveCache: () => Promise.reject(new Error('not available')),
};

export const deps: Dependencies = {
  toolCache: noToolCache,
  cacheStore: noCacheService,
  now: () => new Date('2026-12-04T00:00:00Z'),
};

export const digest = `sha256:${'ef'.repeat(32)}`;

/** Cases of one run test file: each gets its own RUNNER_TEMP and step summary under `dir`. */
export function caseFactory(dir: () => string) {
  let cases = 0;
  return function setup(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
    const root = path.join(dir(), `case-${++cases}`);
    mkdirSync(root);
    const env: Record<string, string> = {
      RUNNER_TEMP: root,
      GITHUB_STEP_SUMMARY: path.join(root, 'summary.md'),
      ...extraEnv,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
    writeFileSync(env.GITHUB_STEP_SUMMARY!, '');
    const fake = fakeCommands();
    return { root, env, fake, ctx: createActionContext(env, fake.commands) };
  };
}
