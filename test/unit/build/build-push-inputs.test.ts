import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '@sovereign-ci/action-kit';
import { readInputs } from '../../../actions/build-push/src/inputs';
import { inputEnv as inputs } from './input-env';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'build-push-inputs-'));
  await mkdir(path.join(dir, 'app'));
  await writeFile(path.join(dir, 'app', 'Dockerfile'), 'FROM harbor.lab/docker-hub/library/alpine:3.20\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('build-push readInputs', () => {
  describe('when the inputs are complete', () => {
    it('returns typed, resolved values', () => {
      const env = inputs({
        context: 'app',
        images: 'harbor.lab/infra/app\ngit.example.org/infra/app',
        tags: 'type=sha\ntype=semver,pattern={{major}}.{{minor}}',
        'build-args': 'GREETING=hello  world\nEMPTY=',
        'registry-mirrors': 'docker.io=https://harbor.lab/docker-hub/',
        'insecure-registries': 'registry.old.lan:5000',
        cache: 'true',
        'cache-repo': 'team/kaniko-cache',
        'cache-ttl': '14d',
        'extra-args': '--compressed-caching=false --snapshot-mode=redo',
        builder: 'buildah',
      });
      expect(readInputs(env, dir)).toEqual({
        context: path.join(dir, 'app'),
        file: path.join(dir, 'app', 'Dockerfile'),
        images: ['harbor.lab/infra/app', 'git.example.org/infra/app'],
        tags: ['type=sha', 'type=semver,pattern={{major}}.{{minor}}'],
        flavor: [],
        labels: {},
        annotations: {},
        buildArgs: { GREETING: 'hello  world', EMPTY: '' },
        push: true,
        cache: true,
        cacheRepo: 'docker.io/team/kaniko-cache',
        cacheTtl: '1209600s',
        reproducible: false,
        registryMirrors: [{ registry: 'docker.io', mirror: 'harbor.lab/docker-hub' }],
        insecureRegistries: ['registry.old.lan:5000'],
        builder: 'buildah',
        storageDriver: 'vfs',
        extraArgs: ['--compressed-caching=false', '--snapshot-mode=redo'],
      });
    });
  });

  describe('when an input is bad', () => {
    it.each([
      [
        'a missing Dockerfile',
        { context: 'app', file: 'app/Containerfile', images: 'harbor.lab/infra/app' },
        'file',
        /the Dockerfile .*app\/Containerfile does not exist/,
      ],
      [
        'an image with a tag',
        { context: 'app', images: 'harbor.lab/infra/app:1.0' },
        'images',
        /'harbor.lab\/infra\/app:1.0' has a tag: list repositories only/,
      ],
      [
        'an image with a digest',
        { context: 'app', images: `harbor.lab/infra/app@sha256:${'a'.repeat(64)}` },
        'images',
        /has a digest/,
      ],
      ['no image', { context: 'app' }, 'images', /at least one repository/],
      [
        'an invalid tag rule',
        { context: 'app', images: 'harbor.lab/infra/app', tags: 'type=semver' },
        'tags',
        /type=semver needs a pattern/,
      ],
      [
        'an unknown rule type',
        { context: 'app', images: 'harbor.lab/infra/app', tags: 'type=nightly' },
        'tags',
        /unknown type 'nightly'/,
      ],
      [
        'two platforms',
        { context: 'app', images: 'harbor.lab/infra/app', platform: 'linux/amd64,linux/arm64' },
        'platform',
        /one platform/,
      ],
      [
        'a bad mirror',
        { context: 'app', images: 'harbor.lab/infra/app', 'registry-mirrors': 'harbor.lab' },
        'registry-mirrors',
        /registry=mirror/,
      ],
      [
        'a bad flavor',
        { context: 'app', images: 'harbor.lab/infra/app', flavor: 'latest=maybe' },
        'flavor',
        /latest must be auto, true or false, got 'maybe'/,
      ],
      [
        'a cache repository without cache',
        { context: 'app', images: 'harbor.lab/infra/app', 'cache-repo': 'harbor.lab/infra/cache' },
        'cache-repo',
        /is set but 'cache' is false/,
      ],
      [
        'a cache lifetime without cache',
        { context: 'app', images: 'harbor.lab/infra/app', 'cache-ttl': '6h' },
        'cache-ttl',
        /is set but 'cache' is false/,
      ],
      [
        'a cache repository with a tag',
        { context: 'app', images: 'harbor.lab/infra/app', cache: 'true', 'cache-repo': 'harbor.lab/c:1' },
        'cache-repo',
        /'harbor.lab\/c:1' has a tag/,
      ],
      [
        'an unknown builder',
        { context: 'app', images: 'harbor.lab/infra/app', builder: 'docker' },
        'builder',
        /kaniko, buildah/,
      ],
    ])('rejects %s', (_title, values, input, message) => {
      let error: unknown;
      try {
        readInputs(inputs(values), dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe(input);
      expect((error as InputError).message).toMatch(message);
    });
  });
});
