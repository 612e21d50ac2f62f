import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext } from '@sovereign-ci/action-kit';
import { createRun } from '../../../actions/build-push/src/run';
import { freePort } from '../../harness/free-port';
import { writeTinyOciLayout } from '../../harness/oci-layout';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { fakeCommands } from '../../harness/recorded-run';
import { loadEvent } from '../../unit/build/events';

describe('build-push with Buildah and a registry mirror', () => {
  let reg: TestRegistry;
  let work: TempDir;
  let deadRegistry: string;

  beforeAll(async () => {
    work = await tempDir('build-push-mirror');
    reg = await startRegistry('plain');
    // The base image lives only in the mirror; its own registry is a loopback port nobody listens on.
    deadRegistry = `127.0.0.1:${await freePort()}`;
    const base = await writeTinyOciLayout(path.join(work.path, 'base'), {
      tag: '1',
      content: 'from the mirror\n',
    });
    await skopeo([
      'copy',
      ...skopeoFlags(reg, 'dest'),
      base.skopeoRef,
      `docker://${reg.host}/mirror/library/base:1`,
    ]);
    await mkdir(path.join(work.path, 'ctx'));
    await copyFile(requireTool('busybox'), path.join(work.path, 'ctx', 'busybox'));
    await writeFile(
      path.join(work.path, 'ctx', 'Dockerfile'),
      `FROM ${deadRegistry}/library/base:1\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "cat", "/hello.txt"]\n`,
    );
  });
  afterAll(async () => {
    await reg?.stop();
    if (work) {
      for (const storage of ['mirrored', 'control']) {
        const root = path.join(work.path, storage);
        try {
          execFileSync(
            'buildah',
            [
              `--root=${path.join(root, 'root')}`,
              `--runroot=${path.join(root, 'run')}`,
              '--storage-driver=vfs',
              'rmi',
              '--all',
              '--force',
            ],
            { stdio: 'ignore' },
          );
        } catch {
          // nothing to remove
        }
      }
      await work.cleanup();
    }
  });

  /** Each build has its own storage, so the second cannot reuse a base the first pulled. */
  const build = (mirrors: string, storage: 'mirrored' | 'control') => {
    const fake = fakeCommands();
    const env = {
      ...loadEvent('forgejo', 'push_main').env,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FORGEJO_WORKSPACE: work.path,
      RUNNER_TEMP: work.path,
      DOCKER_CONFIG: path.join(work.path, 'no-docker-config'),
      INPUT_CONTEXT: 'ctx',
      INPUT_BUILDER: 'buildah',
      INPUT_PUSH: 'false',
      INPUT_IMAGES: `${reg.host}/infra/app`,
      'INPUT_REGISTRY-MIRRORS': mirrors,
    };
    return createRun({ buildahRoot: path.join(work.path, storage) })(
      createActionContext(env, fake.commands),
    ).then(() => fake.outputs);
  };

  describe('when the mirror is configured', () => {
    it('pulls the base through it (registries.conf)', async () => {
      const outputs = await build(`${deadRegistry}=${reg.host}/mirror`, 'mirrored');
      expect(outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(outputs['image-refs']).toBe('');
      expect(outputs['image-ref']).toBe('');
    });
  });
  describe('when it is not', () => {
    it('cannot pull the base (the control)', async () => {
      await expect(build('', 'control')).rejects.toThrow(/buildah bud exited with code/);
    });
  });
});
