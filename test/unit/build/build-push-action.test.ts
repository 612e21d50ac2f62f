import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext } from '@sovereign-ci/action-kit';
import { writeFile as writeFileAsync } from 'node:fs/promises';
import type { CommandRunner, PushedImageStore } from '@sovereign-ci/build';
import { createRun } from '../../../actions/build-push/src/run';
import { fakeCommands } from '../../harness/recorded-run';
import { inputEnv as inputs } from './input-env';
import { loadEvent } from './events';

let dir: string;
let dockerConfigDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'build-push-unit-'));
  await mkdir(path.join(dir, 'app'));
  await writeFile(path.join(dir, 'app', 'Dockerfile'), 'FROM harbor.lab/docker-hub/library/alpine:3.20\n');
  dockerConfigDir = path.join(dir, 'docker');
  await mkdir(dockerConfigDir);
  const auth = Buffer.from('ci:secret').toString('base64');
  await writeFile(
    path.join(dockerConfigDir, 'config.json'),
    JSON.stringify({ auths: { 'harbor.lab': { auth } } }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('build-push run', () => {
  function runWith(values: Record<string, string>) {
    const event = loadEvent('forgejo', 'push_main');
    const env = {
      ...event.env,
      ...inputs(values),
      DOCKER_CONFIG: dockerConfigDir,
      FORGEJO_WORKSPACE: dir,
      RUNNER_TEMP: dir,
    };
    const fake = fakeCommands();
    const started: string[][] = [];
    const runner: CommandRunner = {
      run: async (command, args) => {
        started.push([command, ...args]);
        return { exitCode: 1, stdout: '', stderr: 'not expected' };
      },
    };
    const run = createRun({ runner: () => runner, fileExists: () => false });
    return { promise: run(createActionContext(env, fake.commands)), started };
  }

  describe('when a registry has no credentials', () => {
    it('fails before any builder starts', async () => {
      const { promise, started } = runWith({
        context: 'app',
        images: 'harbor.lab/infra/app\ngit.example.org/infra/app',
      });
      await expect(promise).rejects.toThrow(
        `input 'images': no credentials for git.example.org in ${path.join(dockerConfigDir, 'config.json')}: run the login action for each registry first`,
      );
      expect(started).toEqual([]);
    });
  });

  describe('when the cache repository has no credentials', () => {
    it('names cache-repo, before any builder starts', async () => {
      const { promise, started } = runWith({
        context: 'app',
        images: 'harbor.lab/infra/app',
        cache: 'true',
        'cache-repo': 'git.example.org/infra/cache',
      });
      await expect(promise).rejects.toThrow(
        `input 'cache-repo': no credentials for git.example.org in ${path.join(dockerConfigDir, 'config.json')}`,
      );
      expect(started).toEqual([]);
    });
  });

  describe('when a rule has an invalid enable expression', () => {
    it('fails before any builder starts', async () => {
      const { promise, started } = runWith({
        context: 'app',
        images: 'harbor.lab/infra/app',
        tags: 'type=raw,value=x,enable={{is_main}}',
      });
      await expect(promise).rejects.toThrow(
        /input 'tags': invalid tag rule .*unknown expression '\{\{is_main\}\}'/,
      );
      expect(started).toEqual([]);
    });
  });

  describe('when an annotation has an unknown expression', () => {
    it('names the annotations input, before any builder starts', async () => {
      const { promise, started } = runWith({
        context: 'app',
        images: 'harbor.lab/infra/app',
        labels: 'team=infra',
        annotations: 'stage={{stage}}',
      });
      await expect(promise).rejects.toThrow(/^input 'annotations': unknown expression '\{\{stage\}\}'/);
      expect(started).toEqual([]);
    });
  });

  describe('when no tag applies to the event', () => {
    it('fails before any builder starts', async () => {
      const { promise, started } = runWith({
        context: 'app',
        images: 'harbor.lab/infra/app',
        tags: 'type=semver,pattern={{version}}',
      });
      await expect(promise).rejects.toThrow(
        /input 'tags': no tag rule applies to this push event \(refs\/heads\/main\)/,
      );
      expect(started).toEqual([]);
    });
  });

  describe('when neither Kaniko nor Docker is available', () => {
    it('explains both set-ups after asking docker', async () => {
      const { promise, started } = runWith({ context: 'app', images: 'harbor.lab/infra/app' });
      await expect(promise).rejects.toThrow(/Kaniko is not available/);
      expect(started).toEqual([['docker', 'info', '--format', '{{.ServerVersion}}']]);
    });
  });
});

describe('build-push run, end to end with a fake executor and registries', () => {
  const DIGEST = `sha256:${'d'.repeat(64)}`;
  it('builds, verifies every tag and sets every output', async () => {
    const event = loadEvent('forgejo', 'push_main');
    const images = ['harbor.lab/infra/app', '127.0.0.1:5000/infra/app'];
    const env = {
      ...event.env,
      ...inputs({ context: 'app', images: images.join('\n'), labels: 'team=infra' }),
      DOCKER_CONFIG: dockerConfigDir,
      FORGEJO_WORKSPACE: dir,
      RUNNER_TEMP: dir,
    };
    const fake = fakeCommands();
    const calls: string[] = [];
    const runner: CommandRunner = {
      run: async (command, args) => {
        calls.push(command);
        const flag = (name: string) =>
          args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) as string;
        await writeFileAsync(flag('digest-file'), `${DIGEST}\n`);
        await writeFileAsync(flag('image-name-with-digest-file'), '');
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    };
    const resolved: string[] = [];
    const store: PushedImageStore = {
      resolve: async (image, tag) => {
        resolved.push(`${image}:${tag}`);
        return DIGEST;
      },
      copy: async () => {
        throw new Error('no copy expected');
      },
    };
    const run = createRun({
      runner: () => runner,
      store: () => store,
      fileExists: (file) => file === '/kaniko/executor',
      now: new Date('2026-12-04T03:00:00.000Z'),
    });
    await run(createActionContext(env, fake.commands));
    const tags = images.flatMap((image) => ['main', 'latest', 'sha-3f9c2e7'].map((tag) => `${image}:${tag}`));
    const labels = {
      'org.opencontainers.image.created': '2026-12-04T03:00:00.000Z',
      'org.opencontainers.image.description': 'Payments API service',
      'org.opencontainers.image.revision': '3f9c2e71d0a84b6e9c15f7a2b8d40e6c1a7b9d52',
      'org.opencontainers.image.source': 'https://git.example.org/infra/payments-api',
      'org.opencontainers.image.title': 'payments-api',
      'org.opencontainers.image.url': 'https://git.example.org/infra/payments-api',
      'org.opencontainers.image.version': 'main',
      team: 'infra',
    };
    const { 'metadata-file': metadataFile, ...outputs } = fake.outputs;
    expect(metadataFile).toMatch(/metadata\.json$/);
    expect({
      ...outputs,
      labels: JSON.parse(outputs.labels as string),
      metadata: JSON.parse(outputs.metadata as string),
    }).toEqual({
      digest: DIGEST,
      'image-ref': `harbor.lab/infra/app@${DIGEST}`,
      'image-refs': images.map((image) => `${image}@${DIGEST}`).join('\n'),
      tags: tags.join('\n'),
      labels,
      metadata: {
        digest: DIGEST,
        builder: 'kaniko',
        pushed: true,
        images,
        'image-ref': `harbor.lab/infra/app@${DIGEST}`,
        'image-refs': images.map((image) => `${image}@${DIGEST}`),
        tags,
        'tag-names': ['main', 'latest', 'sha-3f9c2e7'],
        version: 'main',
        labels,
        annotations: Object.fromEntries(Object.entries(labels).filter(([key]) => key !== 'team')),
        verification: tags.map((ref) => ({
          image: ref.slice(0, ref.lastIndexOf(':')),
          tag: ref.slice(ref.lastIndexOf(':') + 1),
          status: 'ok',
          found: DIGEST,
        })),
      },
    });
    expect(calls).toEqual(['/kaniko/executor']);
    expect(resolved.sort()).toEqual([...tags].sort());
    expect(fake.calls.filter((c) => c.startsWith('failed'))).toEqual([]);
  });
});
