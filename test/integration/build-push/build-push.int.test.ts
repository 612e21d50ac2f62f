import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext, recordingLogger } from '@sovereign-ci/action-kit';
import { registryClientStore, verifyPushed } from '@sovereign-ci/build';
import { dockerConfigCredentials, RegistryClient } from '@sovereign-ci/oci';
import { createRun } from '../../../actions/build-push/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { writeTinyOciLayout } from '../../harness/oci-layout';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { fakeCommands } from '../../harness/recorded-run';
import { loadEvent } from '../../unit/build/events';

const here = path.dirname(fileURLToPath(import.meta.url));
const contextFixture = path.resolve(here, '..', '..', 'fixtures', 'build', 'context');
const TAGS = ['main', 'latest', 'sha-3f9c2e7'];
const GREETING = 'hi from  the bake';

let tokenReg: TestRegistry;
let plainReg: TestRegistry;
let dockerConfig: TestDockerConfig;
let work: TempDir;
let images: string[];
let outputs: Record<string, string>;

async function manifestDigest(reg: TestRegistry, ref: string): Promise<string> {
  const { stdout } = await skopeo([
    'inspect',
    '--raw',
    ...skopeoFlags(reg, 'plain'),
    `docker://${reg.host}/${ref}`,
  ]);
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

async function allDigests(): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const reg of [tokenReg, plainReg]) {
    for (const tag of TAGS)
      found[`${reg.host}/infra/app:${tag}`] = await manifestDigest(reg, `infra/app:${tag}`);
  }
  return found;
}

const everyTag = (digest: string) =>
  Object.fromEntries(
    [tokenReg, plainReg].flatMap((reg) => TAGS.map((tag) => [`${reg.host}/infra/app:${tag}`, digest])),
  );

describe('build-push with Buildah', () => {
  beforeAll(async () => {
    requireTool('buildah');
    requireTool('skopeo');
    const busybox = requireTool('busybox');
    work = await tempDir('build-push-int');
    await copyFile(path.join(contextFixture, 'Dockerfile'), path.join(work.path, 'Dockerfile'));
    await copyFile(busybox, path.join(work.path, 'busybox'));
    tokenReg = await startRegistry('token', { deleteEnabled: true });
    plainReg = await startRegistry('plain', { deleteEnabled: true });
    dockerConfig = await writeTestDockerConfig([tokenReg, plainReg]);
    images = [`${tokenReg.host}/infra/app`, `${plainReg.host}/infra/app`];

    const event = loadEvent('forgejo', 'push_main');
    const fake = fakeCommands();
    const env = {
      ...event.env,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOCKER_CONFIG: dockerConfig.dir,
      FORGEJO_WORKSPACE: work.path,
      RUNNER_TEMP: work.path,
      INPUT_BUILDER: 'buildah',
      INPUT_IMAGES: images.join('\n'),
      'INPUT_BUILD-ARGS': `GREETING=${GREETING}`,
      INPUT_LABELS: 'team=infra',
      INPUT_PLATFORM: 'linux/amd64',
    };
    const run = createRun({ buildahRoot: path.join(work.path, 'storage') });
    await run(createActionContext(env, fake.commands));
    outputs = fake.outputs;
  });

  afterAll(async () => {
    await tokenReg?.stop();
    await plainReg?.stop();
    await dockerConfig?.cleanup();
    if (work) {
      // vfs layers are root-owned copies; buildah's own rm clears its storage first.
      try {
        execFileSync(
          'buildah',
          [
            `--root=${path.join(work.path, 'storage', 'root')}`,
            `--runroot=${path.join(work.path, 'storage', 'run')}`,
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
      await work.cleanup();
    }
  });

  describe('when it builds and pushes to a token-auth and a plain registry', () => {
    it('pushes every tag to both registries as the one digest (checked with skopeo)', async () => {
      expect(outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(await allDigests()).toEqual(everyTag(outputs.digest as string));
    });

    it('sets the outputs', () => {
      const digest = outputs.digest as string;
      expect(outputs['image-refs']).toBe(images.map((image) => `${image}@${digest}`).join('\n'));
      expect(outputs['image-ref']).toBe(`${tokenReg.host}/infra/app@${digest}`);
      expect(outputs.tags).toBe(images.flatMap((image) => TAGS.map((tag) => `${image}:${tag}`)).join('\n'));
      const labels = JSON.parse(outputs.labels as string) as Record<string, string>;
      expect(labels.team).toBe('infra');
      expect(labels['org.opencontainers.image.revision']).toBe('3f9c2e71d0a84b6e9c15f7a2b8d40e6c1a7b9d52');
      const metadata = JSON.parse(outputs.metadata as string) as {
        verification: { status: string }[];
        'tag-names': string[];
      };
      expect(metadata['tag-names']).toEqual(TAGS);
      expect(metadata.verification.map((row) => row.status)).toEqual(Array(6).fill('ok'));
    });

    it('ran the RUN steps with the build argument intact, and set labels and annotations', async () => {
      const layout = path.join(work.path, 'layout');
      await skopeo([
        'copy',
        ...skopeoFlags(plainReg, 'src'),
        `docker://${plainReg.host}/infra/app:main`,
        `oci:${layout}:main`,
      ]);
      const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      const blob = (digest: string) => path.join(layout, 'blobs', 'sha256', digest.slice(7));
      const manifest = JSON.parse(await readFile(blob(index.manifests[0]?.digest as string), 'utf8')) as {
        layers: { digest: string }[];
        annotations: Record<string, string>;
        config: { digest: string };
      };
      const greetings = manifest.layers
        .map((layer) => {
          try {
            return execFileSync(requireTool('tar'), ['-xzOf', blob(layer.digest), 'etc/greeting'], {
              encoding: 'utf8',
              stdio: ['ignore', 'pipe', 'ignore'],
            });
          } catch {
            return undefined;
          }
        })
        .filter(Boolean);
      expect(greetings).toEqual([`${GREETING}\n`]);
      expect(manifest.annotations['org.opencontainers.image.source']).toBe(
        'https://git.example.org/infra/payments-api',
      );
      const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as {
        config: { Labels: Record<string, string> };
      };
      expect(config.config.Labels.team).toBe('infra');
      expect(config.config.Labels['org.opencontainers.image.version']).toBe('main');
      expect((await readdir(path.join(layout, 'blobs', 'sha256'))).length).toBeGreaterThan(2);
    });
  });

  describe('when one registry loses a tag and another holds a different image', () => {
    it('repairs both by copying from the registry that has the digest', async () => {
      const digest = outputs.digest as string;
      // Deleting the manifest in the token registry removes all three tags there.
      await skopeo([
        'delete',
        ...skopeoFlags(tokenReg, 'plain'),
        `docker://${tokenReg.host}/infra/app@${digest}`,
      ]);
      const other = await writeTinyOciLayout(path.join(work.path, 'other'), {
        tag: 'x',
        content: 'not the build\n',
      });
      await skopeo([
        'copy',
        ...skopeoFlags(plainReg, 'dest'),
        other.skopeoRef,
        `docker://${plainReg.host}/infra/app:latest`,
      ]);
      expect(await manifestDigest(plainReg, 'infra/app:latest')).toBe(other.manifestDigest);

      const logger = recordingLogger();
      const client = new RegistryClient({
        credentials: dockerConfigCredentials(dockerConfig.configPath),
        logger,
      });
      const rows = await verifyPushed({
        images,
        tags: TAGS,
        digest,
        store: registryClientStore(client, logger),
        logger,
      });
      expect(
        rows.map((row) => [
          row.image,
          row.tag,
          row.found === digest ? 'digest' : row.found === 'missing' ? 'missing' : 'other',
          row.status,
        ]),
      ).toEqual([
        [images[0], 'main', 'missing', 'repaired'],
        [images[0], 'latest', 'missing', 'repaired'],
        [images[0], 'sha-3f9c2e7', 'missing', 'repaired'],
        [images[1], 'main', 'digest', 'ok'],
        [images[1], 'latest', 'other', 'repaired'],
        [images[1], 'sha-3f9c2e7', 'digest', 'ok'],
      ]);
      expect(await allDigests()).toEqual(everyTag(digest));
    });
  });
});
