import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext, GateError } from '@sovereign-ci/action-kit';
import { dockerConfigCredentials, RegistryClient } from '@sovereign-ci/oci';
import type { CacheStore, ToolCache } from '@sovereign-ci/trivy';
import { run } from '../../../actions/trivy-gate/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleImage } from '../../harness/sample-images';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { fakeCommands } from '../../harness/recorded-run';
import { writeFakeTrivy } from '../../unit/trivy/fake-trivy';
import { goldenPath } from '../../unit/trivy/golden';

const unused: ToolCache = {
  find: () => '',
  downloadTool: () => Promise.reject(new Error('unexpected')),
  extractTar: () => Promise.reject(new Error('unexpected')),
  cacheDir: () => Promise.reject(new Error('unexpected')),
};
const noCache: CacheStore = {
  isFeatureAvailable: () => false,
  restoreCache: async () => undefined,
  saveCache: async () => 0,
};

describe('trivy-gate against a real registry', () => {
  let registry: TestRegistry;
  let docker: TestDockerConfig;
  let tmp: TempDir;
  let digest: string;

  beforeAll(async () => {
    requireTool('skopeo');
    tmp = await tempDir('trivy-gate-int');
    registry = await startRegistry('basic');
    docker = await writeTestDockerConfig([registry]);
    const client = new RegistryClient({ credentials: dockerConfigCredentials(docker.configPath) });
    try {
      digest = (await pushSampleImage(client.repository(registry.host, 'team/app'), 'v1')).manifest.digest;
    } finally {
      await client.close();
    }
    mkdirSync(path.join(tmp.path, 'bin'));
    writeFakeTrivy(path.join(tmp.path, 'bin'));
  });
  afterAll(async () => {
    await registry?.stop();
    await docker?.cleanup();
    await tmp?.cleanup();
  });

  describe('when the image is given by tag', () => {
    it('resolves it with the registry and hands Trivy the digest skopeo sees', async () => {
      const inspected = JSON.parse(
        (
          await skopeo([
            'inspect',
            ...skopeoFlags(registry, 'plain'),
            `docker://${registry.host}/team/app:v1`,
          ])
        ).stdout,
      ) as { Digest: string };
      expect(inspected.Digest).toBe(digest);
      const argvFile = path.join(tmp.path, 'argv.txt');
      const env: Record<string, string> = {
        RUNNER_TEMP: tmp.path,
        DOCKER_CONFIG: docker.dir,
        PATH: `${path.join(tmp.path, 'bin')}:${process.env.PATH}`,
        FAKE_TRIVY_ARGV: argvFile,
        FAKE_TRIVY_REPORT: goldenPath('photon-30.json'),
        INPUT_IMAGE: `${registry.host}/team/app:v1`,
        'INPUT_INSECURE-REGISTRIES': registry.host,
        INPUT_CACHE: 'false',
      };
      const fake = fakeCommands();
      const error = await run(createActionContext(env, fake.commands), {
        toolCache: unused,
        cacheStore: noCache,
        now: () => new Date(),
      }).catch((e: unknown) => e);
      const argv = readFileSync(argvFile, 'utf8').trimEnd().split('\n');
      expect(argv.slice(-2)).toEqual(['--insecure', `${registry.host}/team/app@${inspected.Digest}`]);
      expect(argv).not.toContain('--cache-dir');
      // photon-30: 2 CRITICAL + 1 HIGH, all fixed -> 3 blocking at the defaults.
      expect(error).toBeInstanceOf(GateError);
      expect([fake.outputs.passed, fake.outputs.blocking]).toEqual(['false', '3']);
      expect((error as GateError).message).toContain(`in ${registry.host}/team/app@${digest}`);
    });
  });
});
