import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import { InstallError, installTrivy, versionFromUrl } from '@sovereign-ci/trivy';
import { actionsToolCache } from '../../../actions/trivy-gate/src/adapters';
import { tempDir, type TempDir } from '../../harness/temp';
import { startFakeServer, type FakeServer } from './http-fake';

/** A Trivy release-shaped tarball holding a fake `trivy` script, built with the system tar; its sha256 by sha256sum. */
function buildTarball(dir: string, name: string, script: string): { file: string; sha256: string } {
  const stage = path.join(dir, `stage-${name}`);
  mkdirSync(stage, { recursive: true });
  writeFileSync(path.join(stage, 'trivy'), script);
  chmodSync(path.join(stage, 'trivy'), 0o755);
  writeFileSync(path.join(stage, 'LICENSE'), 'Apache-2.0\n');
  const file = path.join(dir, name);
  execFileSync('tar', ['-czf', file, '-C', stage, 'trivy', 'LICENSE']);
  const sha256 = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!;
  return { file, sha256 };
}

describe('installTrivy', () => {
  let dir: TempDir;
  let server: FakeServer;
  let good: { file: string; sha256: string };
  let other: { file: string; sha256: string };

  beforeAll(async () => {
    dir = await tempDir('trivy-install');
    good = buildTarball(
      dir.path,
      'trivy_0.58.1_Linux-64bit.tar.gz',
      '#!/bin/sh\necho "Version: 0.58.1 (fake)"\n',
    );
    other = buildTarball(dir.path, 'other.tar.gz', '#!/bin/sh\necho "Version: 0.58.1 (tampered)"\n');
    server = await startFakeServer((req, res) => {
      const file =
        req.url === '/mirror/trivy_0.58.1_Linux-64bit.tar.gz'
          ? good.file
          : req.url === '/mirror/tampered/trivy_0.58.1_Linux-64bit.tar.gz'
            ? other.file
            : undefined;
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(readFileSync(file));
    });
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  // @actions/tool-cache reads the runner's directories from the environment; each test gets fresh ones.
  let cases = 0;
  function useToolCacheDirs(): string {
    const root = path.join(dir.path, `case-${++cases}`);
    mkdirSync(path.join(root, 'tool-cache'), { recursive: true });
    mkdirSync(path.join(root, 'temp'), { recursive: true });
    vi.stubEnv('RUNNER_TOOL_CACHE', path.join(root, 'tool-cache'));
    vi.stubEnv('RUNNER_TEMP', path.join(root, 'temp'));
    return path.join(root, 'tool-cache');
  }
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  describe('when the tarball has the expected sha256', () => {
    it('installs into the tool cache, and a second install reuses it without downloading', async () => {
      const cacheRoot = useToolCacheDirs();
      const url = `${server.url}/mirror/trivy_0.58.1_Linux-64bit.tar.gz`;
      const before = server.requests.length;
      const first = await installTrivy({
        url,
        sha256: good.sha256,
        toolCache: actionsToolCache,
        logger: recordingLogger(),
      });
      expect(first).toEqual({
        path: path.join(cacheRoot, 'trivy', '0.58.1', process.arch, 'trivy'),
        version: '0.58.1',
        cached: false,
      });
      expect(execFileSync(first.path, [], { encoding: 'utf8' })).toBe('Version: 0.58.1 (fake)\n');
      const logger = recordingLogger();
      const second = await installTrivy({ url, sha256: good.sha256, toolCache: actionsToolCache, logger });
      expect(second).toEqual({ ...first, cached: true });
      expect(server.requests.length - before).toBe(1);
      expect(logger.lines).toEqual(['info: trivy 0.58.1: using the cached copy']);
    });

    it('reinstalls when the cached copy came from another sha256', async () => {
      useToolCacheDirs();
      const tampered = `${server.url}/mirror/tampered/trivy_0.58.1_Linux-64bit.tar.gz`;
      await installTrivy({
        url: tampered,
        sha256: other.sha256,
        toolCache: actionsToolCache,
        logger: recordingLogger(),
      });
      const url = `${server.url}/mirror/trivy_0.58.1_Linux-64bit.tar.gz`;
      const again = await installTrivy({
        url,
        sha256: good.sha256,
        toolCache: actionsToolCache,
        logger: recordingLogger(),
      });
      expect(again.cached).toBe(false);
      expect(execFileSync(again.path, [], { encoding: 'utf8' })).toBe('Version: 0.58.1 (fake)\n');
    });
  });

  describe('when the sha256 does not match', () => {
    it('refuses the download and caches nothing', async () => {
      const cacheRoot = useToolCacheDirs();
      const url = `${server.url}/mirror/tampered/trivy_0.58.1_Linux-64bit.tar.gz`;
      const attempt = installTrivy({
        url,
        sha256: good.sha256,
        toolCache: actionsToolCache,
        logger: recordingLogger(),
      });
      await expect(attempt).rejects.toThrow(InstallError);
      await expect(
        installTrivy({ url, sha256: good.sha256, toolCache: actionsToolCache, logger: recordingLogger() }),
      ).rejects.toThrow(`refusing the Trivy download: sha256 ${other.sha256}, expected ${good.sha256}`);
      expect(actionsToolCache.find('trivy', '0.58.1')).toBe('');
      expect(execFileSync('find', [cacheRoot, '-name', 'trivy'], { encoding: 'utf8' })).toBe('');
    });

    it.each(['', 'abc', 'z'.repeat(64)])(
      'refuses a malformed sha256 %j before downloading',
      async (sha256) => {
        useToolCacheDirs();
        const before = server.requests.length;
        await expect(
          installTrivy({
            url: `${server.url}/mirror/trivy_0.58.1_Linux-64bit.tar.gz`,
            sha256,
            toolCache: actionsToolCache,
            logger: recordingLogger(),
          }),
        ).rejects.toThrow('the Trivy sha256 must be 64 hex digits');
        expect(server.requests.length).toBe(before);
      },
    );
  });

  describe('versionFromUrl', () => {
    it.each([
      ['https://git.lab/infra/mirror/releases/download/v0.58.1/trivy_0.58.1_Linux-64bit.tar.gz', '0.58.1'],
      ['https://git.lab/x/trivy_0.60.0-rc.1_Linux-ARM64.tar.gz', '0.60.0-rc.1'],
      ['https://git.lab/x/trivy.tar.gz', undefined],
    ])('%s -> %s', (url, version) => {
      expect(versionFromUrl(url)).toBe(version);
    });
  });
});
