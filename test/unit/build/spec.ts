import type { BuildSpec } from '@sovereign-ci/build';

/** A build with every option set. */
export function fullSpec(overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    context: '/src/app',
    dockerfile: '/src/app/docker/Dockerfile',
    destinations: [
      'harbor.lab/infra/app:1.2.3',
      'harbor.lab/infra/app:latest',
      'git.example.org/infra/app:1.2.3',
    ],
    buildArgs: { GREETING: 'hello  world', EMPTY: '' },
    labels: { 'org.opencontainers.image.title': 'app', 'team.note': 'two words' },
    annotations: { 'org.opencontainers.image.revision': 'abc123' },
    target: 'runtime',
    platform: 'linux/arm64',
    push: true,
    cache: true,
    cacheRepo: 'harbor.lab/infra/app-cache',
    cacheTtl: '21600s',
    reproducible: true,
    registryMirrors: [
      { registry: 'docker.io', mirror: 'harbor.lab/docker-hub' },
      { registry: 'ghcr.io', mirror: 'harbor.lab/ghcr' },
    ],
    insecureRegistries: ['registry.old.lan:5000'],
    caFile: '/etc/ssl/private-ca.pem',
    dockerConfig: '/home/runner/.docker/config.json',
    extraArgs: ['--compressed-caching=false', '--snapshot-mode=redo'],
    ...overrides,
  };
}
