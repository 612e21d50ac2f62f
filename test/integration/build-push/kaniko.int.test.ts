import { createHash } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext } from '@sovereign-ci/action-kit';
import { createRun } from '../../../actions/build-push/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { fakeCommands } from '../../harness/recorded-run';
import { loadEvent } from '../../unit/build/events';

/**
 * Kaniko cannot be installed on every development machine. Point KANIKO_EXECUTOR at a real
 * executor binary (e.g. copied out of ghcr.io/osscontainertools/kaniko) to run this test; without
 * it the test is reported as skipped, by name.
 */
const executor = process.env.KANIKO_EXECUTOR;
const here = path.dirname(fileURLToPath(import.meta.url));

describe('build-push with a real Kaniko executor', () => {
  let reg: TestRegistry;
  let config: TestDockerConfig;
  let work: TempDir;

  beforeAll(async () => {
    if (!executor) return;
    work = await tempDir('build-push-kaniko');
    await copyFile(
      path.resolve(here, '..', '..', 'fixtures', 'build', 'context', 'Dockerfile'),
      path.join(work.path, 'Dockerfile'),
    );
    await copyFile(requireTool('busybox'), path.join(work.path, 'busybox'));
    reg = await startRegistry('basic');
    config = await writeTestDockerConfig([reg]);
  });
  afterAll(async () => {
    await reg?.stop();
    await config?.cleanup();
    await work?.cleanup();
  });

  it.skipIf(!executor)(
    'builds and pushes every tag as the digest Kaniko reported (needs KANIKO_EXECUTOR)',
    async () => {
      const event = loadEvent('forgejo', 'push_main');
      const fake = fakeCommands();
      const env = {
        ...event.env,
        PATH: process.env.PATH,
        DOCKER_CONFIG: config.dir,
        FORGEJO_WORKSPACE: work.path,
        RUNNER_TEMP: work.path,
        INPUT_EXECUTOR: executor,
        INPUT_IMAGES: `${reg.host}/infra/app`,
        'INPUT_EXTRA-ARGS': '--force',
      };
      await createRun()(createActionContext(env, fake.commands));
      const digest = fake.outputs.digest as string;
      for (const tag of ['main', 'latest', 'sha-3f9c2e7']) {
        const { stdout } = await skopeo([
          'inspect',
          '--raw',
          ...skopeoFlags(reg, 'plain'),
          `docker://${reg.host}/infra/app:${tag}`,
        ]);
        expect(`sha256:${createHash('sha256').update(stdout).digest('hex')}`).toBe(digest);
      }
    },
  );
});
