import { describe, expect, it } from 'vitest';
import { buildahBudArgs, buildahPushArgs, registriesConf } from '@sovereign-ci/build';
import { fullSpec } from './spec';

const storage = { driver: 'vfs', root: '/t/root', runRoot: '/t/run' };

describe('buildahBudArgs', () => {
  describe('when every input is set', () => {
    it('builds once with chroot isolation, OCI format and every destination as a tag', () => {
      expect(buildahBudArgs(fullSpec(), storage, { iidFile: '/t/iid', certDir: '/t/certs' })).toEqual([
        '--storage-driver=vfs',
        '--root=/t/root',
        '--runroot=/t/run',
        'bud',
        '--isolation=chroot',
        '--format=oci',
        '--file=/src/app/docker/Dockerfile',
        '--iidfile=/t/iid',
        '--authfile=/home/runner/.docker/config.json',
        '--tag=harbor.lab/infra/app:1.2.3',
        '--tag=harbor.lab/infra/app:latest',
        '--tag=git.example.org/infra/app:1.2.3',
        '--build-arg=GREETING=hello  world',
        '--build-arg=EMPTY=',
        '--label=org.opencontainers.image.title=app',
        '--label=team.note=two words',
        '--annotation=org.opencontainers.image.revision=abc123',
        '--target=runtime',
        '--platform=linux/arm64',
        '--layers',
        '--cache-from=harbor.lab/infra/app-cache',
        '--cache-to=harbor.lab/infra/app-cache',
        '--cache-ttl=21600s',
        '--timestamp=0',
        '--cert-dir=/t/certs',
        '--compressed-caching=false',
        '--snapshot-mode=redo',
        '/src/app',
      ]);
    });
  });
});

describe('buildahPushArgs', () => {
  it.each([
    ['a TLS registry gets the cert dir', 'harbor.lab/infra/app:1.2.3', ['--cert-dir=/t/certs']],
    [
      'an insecure registry skips TLS verification',
      'registry.old.lan:5000/infra/app:1',
      ['--tls-verify=false'],
    ],
    ['a loopback registry skips TLS verification', '127.0.0.1:5000/infra/app:1', ['--tls-verify=false']],
  ])('%s', (_title, destination, tls) => {
    expect(
      buildahPushArgs(fullSpec(), { driver: 'overlay' }, 'f00d', destination, '/t/d0', '/t/certs'),
    ).toEqual([
      '--storage-driver=overlay',
      'push',
      '--digestfile=/t/d0',
      '--format=oci',
      '--authfile=/home/runner/.docker/config.json',
      ...tls,
      'f00d',
      `docker://${destination}`,
    ]);
  });
});

describe('registriesConf', () => {
  describe('when there are mirrors and insecure registries', () => {
    it('writes a mirror per registry and marks insecure ones', () => {
      expect(
        registriesConf(
          [
            { registry: 'docker.io', mirror: 'harbor.lab/docker-hub' },
            { registry: 'ghcr.io', mirror: '127.0.0.1:5000/ghcr' },
          ],
          ['registry.old.lan:5000'],
        ),
      ).toBe(
        [
          'unqualified-search-registries = ["docker.io"]',
          'short-name-mode = "permissive"',
          '',
          '[[registry]]',
          'prefix = "docker.io"',
          'location = "docker.io"',
          '',
          '[[registry.mirror]]',
          'location = "harbor.lab/docker-hub"',
          '',
          '[[registry]]',
          'prefix = "ghcr.io"',
          'location = "ghcr.io"',
          '',
          '[[registry.mirror]]',
          'location = "127.0.0.1:5000/ghcr"',
          'insecure = true',
          '',
          '[[registry]]',
          'location = "registry.old.lan:5000"',
          'insecure = true',
          '',
        ].join('\n'),
      );
    });
  });
  describe('when there is nothing to configure', () => {
    it('leaves the system configuration alone', () => {
      expect(registriesConf([], [])).toBeUndefined();
    });
  });
});
