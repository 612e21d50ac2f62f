import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KANIKO_IMAGE,
  detectKanikoMode,
  kanikoArgs,
  kanikoDockerArgs,
  parseKanikoDigests,
  type CommandRunner,
} from '@sovereign-ci/build';
import { fullSpec } from './spec';

const DIGEST = 'sha256:4c2d9b8f0a1e3d5c7b9a8f6e4d2c0b1a3e5f7d9c8b6a4f2e0d1c3b5a7f9e8d6c';

function recordingRunner(exitCode: number): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (command, args) => {
      calls.push([command, ...args]);
      return { exitCode, stdout: exitCode === 0 ? '27.3.1\n' : '', stderr: '' };
    },
  };
}

describe('kanikoArgs', () => {
  describe('when every input is set', () => {
    it('passes each as a flag, every destination separately', () => {
      const paths = {
        context: '/src/app',
        dockerfile: '/src/app/docker/Dockerfile',
        digestFile: '/t/digest',
        imageNameDigestFile: '/t/names',
        caFile: '/etc/ssl/private-ca.pem',
      };
      expect(kanikoArgs(fullSpec(), paths, ['quay.io', 'registry.old.lan:5000'])).toEqual([
        '--context=dir:///src/app',
        '--dockerfile=/src/app/docker/Dockerfile',
        '--destination=harbor.lab/infra/app:1.2.3',
        '--destination=harbor.lab/infra/app:latest',
        '--destination=git.example.org/infra/app:1.2.3',
        '--digest-file=/t/digest',
        '--image-name-with-digest-file=/t/names',
        '--build-arg=GREETING=hello  world',
        '--build-arg=EMPTY=',
        '--label=org.opencontainers.image.title=app',
        '--label=team.note=two words',
        '--annotation=org.opencontainers.image.revision=abc123',
        '--target=runtime',
        '--custom-platform=linux/arm64',
        '--cache=true',
        '--cache-repo=harbor.lab/infra/app-cache',
        '--cache-ttl=21600s',
        '--reproducible',
        '--registry-map=index.docker.io=harbor.lab/docker-hub',
        '--registry-map=ghcr.io=harbor.lab/ghcr',
        '--insecure-registry=registry.old.lan:5000',
        '--registry-certificate=harbor.lab=/etc/ssl/private-ca.pem',
        '--registry-certificate=git.example.org=/etc/ssl/private-ca.pem',
        '--registry-certificate=quay.io=/etc/ssl/private-ca.pem',
        '--compressed-caching=false',
        '--snapshot-mode=redo',
      ]);
    });
  });

  describe('when nothing is pushed and nothing optional is set', () => {
    it('adds --no-push and only the required flags', () => {
      const spec = fullSpec({
        destinations: [],
        push: false,
        buildArgs: {},
        labels: {},
        annotations: {},
        target: undefined,
        platform: undefined,
        cache: false,
        reproducible: false,
        registryMirrors: [],
        insecureRegistries: [],
        caFile: undefined,
        extraArgs: [],
      });
      expect(
        kanikoArgs(spec, {
          context: '/c',
          dockerfile: '/c/Dockerfile',
          digestFile: '/d',
          imageNameDigestFile: '/n',
        }),
      ).toEqual([
        '--context=dir:///c',
        '--dockerfile=/c/Dockerfile',
        '--no-push',
        '--digest-file=/d',
        '--image-name-with-digest-file=/n',
      ]);
    });
  });
});

describe('kanikoDockerArgs', () => {
  it('mounts the context and docker config read-only and maps every path', () => {
    const spec = fullSpec({
      extraArgs: [],
      registryMirrors: [],
      insecureRegistries: [],
      cache: false,
      buildArgs: {},
      labels: {},
      annotations: {},
    });
    expect(kanikoDockerArgs(spec, DEFAULT_KANIKO_IMAGE, '/tmp/out')).toEqual([
      'run',
      '--rm',
      '-e',
      'container=docker',
      '-v',
      '/src/app:/workspace:ro',
      '-v',
      '/home/runner/.docker/config.json:/kaniko/.docker/config.json:ro',
      '-v',
      '/tmp/out:/kaniko/sovereign/out',
      '-v',
      '/etc/ssl/private-ca.pem:/kaniko/sovereign/ca.crt:ro',
      'ghcr.io/osscontainertools/kaniko:v1.28.3',
      '--context=dir:///workspace',
      '--dockerfile=/workspace/docker/Dockerfile',
      '--destination=harbor.lab/infra/app:1.2.3',
      '--destination=harbor.lab/infra/app:latest',
      '--destination=git.example.org/infra/app:1.2.3',
      '--digest-file=/kaniko/sovereign/out/digest',
      '--image-name-with-digest-file=/kaniko/sovereign/out/image-name-with-digest',
      '--target=runtime',
      '--custom-platform=linux/arm64',
      '--reproducible',
      '--registry-certificate=harbor.lab=/kaniko/sovereign/ca.crt',
      '--registry-certificate=git.example.org=/kaniko/sovereign/ca.crt',
    ]);
  });

  it('mounts a Dockerfile outside the context on its own', () => {
    const spec = fullSpec({ dockerfile: '/src/docker/app.Dockerfile', caFile: undefined });
    const args = kanikoDockerArgs(
      spec,
      'harbor.lab/ghcr/osscontainertools/kaniko@sha256:' + 'a'.repeat(64),
      '/o',
    );
    expect(args.slice(4, 8)).toEqual([
      '-v',
      '/src/app:/workspace:ro',
      '-v',
      '/src/docker/app.Dockerfile:/kaniko/sovereign/Dockerfile:ro',
    ]);
    expect(args).toContain('--dockerfile=/kaniko/sovereign/Dockerfile');
  });
});

describe('detectKanikoMode', () => {
  describe('when /kaniko/executor exists', () => {
    it('runs it directly without asking docker', async () => {
      const runner = recordingRunner(0);
      const mode = await detectKanikoMode(undefined, { runner, fileExists: (f) => f === '/kaniko/executor' });
      expect({ mode, calls: runner.calls }).toEqual({
        mode: { kind: 'direct', executor: '/kaniko/executor' },
        calls: [],
      });
    });
  });
  describe('when a Docker daemon answers', () => {
    it('runs the executor image', async () => {
      const runner = recordingRunner(0);
      const mode = await detectKanikoMode(undefined, { runner, fileExists: () => false });
      expect({ mode, calls: runner.calls }).toEqual({
        mode: { kind: 'docker', image: 'ghcr.io/osscontainertools/kaniko:v1.28.3' },
        calls: [['docker', 'info', '--format', '{{.ServerVersion}}']],
      });
    });
  });
  describe('when there is neither', () => {
    it('fails explaining both set-ups', async () => {
      const error = await detectKanikoMode('harbor.lab/kaniko:v1', {
        runner: recordingRunner(1),
        fileExists: () => false,
      }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/\/kaniko\/executor/);
      expect((error as Error).message).toMatch(/docker:dind sidecar/);
      expect((error as Error).message).toMatch(/builder: buildah/);
    });
  });
  describe('when the executor input is a path', () => {
    it('must exist', async () => {
      await expect(
        detectKanikoMode('/opt/kaniko/executor', { runner: recordingRunner(0), fileExists: () => false }),
      ).rejects.toThrow('the Kaniko executor /opt/kaniko/executor does not exist');
    });
  });
});

describe('parseKanikoDigests', () => {
  it('reads the digest and checks the name file agrees', () => {
    expect(
      parseKanikoDigests(
        `${DIGEST}\n`,
        `harbor.lab/infra/app:1@${DIGEST}\ngit.example.org/infra/app:1@${DIGEST}\n`,
      ),
    ).toEqual({
      digest: DIGEST,
      pushed: [`harbor.lab/infra/app:1@${DIGEST}`, `git.example.org/infra/app:1@${DIGEST}`],
    });
  });
  it('rejects a missing digest and a disagreeing name file', () => {
    expect(() => parseKanikoDigests('', '')).toThrow("Kaniko wrote no valid digest (got '')");
    expect(() => parseKanikoDigests(DIGEST, 'x/y:1@sha256:' + 'b'.repeat(64))).toThrow(/not the digest/);
  });
});
