import { describe, expect, it } from 'vitest';
import { computeImageMetadata, metadataContext, type ImageMetadataOptions } from '@sovereign-ci/build';
import { loadEvent, type Forge } from './events';

const NOW = new Date('2026-12-04T03:00:00.000Z');
const IMAGES = ['harbor.lab/infra/app', 'git.example.org/infra/app'];

function compute(
  forge: Forge,
  event: string,
  options: Partial<ImageMetadataOptions> = {},
  defaultBranch?: string,
) {
  const { runner, payload } = loadEvent(forge, event);
  const context = metadataContext(runner, payload, { now: NOW, defaultBranch });
  return computeImageMetadata(context, { images: IMAGES, tags: [], ...options });
}

describe('computeImageMetadata', () => {
  describe('when the tags input is empty (default rules)', () => {
    it.each<[Forge, string, string[]]>([
      ['github', 'push_master', ['master', 'latest', 'sha-2665741']],
      ['github', 'push_dev', ['dev', 'sha-860c190']],
      ['github', 'tag_v1.1.1', ['1.1.1', 'v1.1.1', 'sha-860c190', 'latest']],
      ['github', 'pull_request', ['sha-a9c8c58']],
      ['github', 'schedule', ['master', 'latest', 'sha-860c190']],
      ['forgejo', 'push_main', ['main', 'latest', 'sha-3f9c2e7']],
      ['forgejo', 'push_feature', ['feature-ledger-v2', 'sha-b81d4c0']],
      ['forgejo', 'tag_v2.3.1', ['2.3.1', 'v2.3.1', 'sha-c4e7a1f', 'latest']],
      ['forgejo', 'pull_request', ['sha-b81d4c0']],
      ['forgejo', 'schedule', ['main', 'latest', 'sha-3f9c2e7']],
    ])('%s %s gives %j', (forge, event, names) => {
      const metadata = compute(forge, event);
      expect(metadata.tagNames).toEqual(names);
      expect(metadata.tags).toEqual(IMAGES.flatMap((image) => names.map((name) => `${image}:${name}`)));
    });
  });

  describe('when rules are given', () => {
    it.each<[string, Forge, string, string[], string[]]>([
      ['pr-<n> from a GitHub merge ref', 'github', 'pull_request', ['type=ref,event=pr'], ['pr-15']],
      ['pr-<n> from a Forgejo head ref', 'forgejo', 'pull_request', ['type=ref,event=pr'], ['pr-7']],
      [
        'branch names are sanitised',
        'forgejo',
        'push_feature',
        ['type=ref,event=branch'],
        ['feature-ledger-v2'],
      ],
      ['schedule defaults to nightly', 'forgejo', 'schedule', ['type=schedule'], ['nightly']],
      [
        'schedule with a date pattern',
        'github',
        'schedule',
        ["type=schedule,pattern={{date 'YYYYMMDD'}}"],
        ['20261204'],
      ],
      [
        'schedule with a time zone',
        'forgejo',
        'schedule',
        ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"],
        ['20261204-120000'],
      ],
      [
        'schedule rules do nothing on push',
        'forgejo',
        'push_main',
        ['type=schedule', 'type=sha'],
        ['sha-3f9c2e7'],
      ],
      [
        'semver version, major.minor and major',
        'forgejo',
        'tag_v2.3.1',
        [
          'type=semver,pattern={{version}}',
          'type=semver,pattern={{major}}.{{minor}}',
          'type=semver,pattern={{major}}',
        ],
        ['2.3.1', '2.3', '2', 'latest'],
      ],
      [
        'semver raw keeps the v',
        'github',
        'tag_v1.1.1',
        ['type=semver,pattern={{raw}}'],
        ['v1.1.1', 'latest'],
      ],
      ['semver does nothing on a branch', 'forgejo', 'push_main', ['type=semver,pattern={{version}}'], []],
      [
        'semver from a value',
        'forgejo',
        'push_main',
        ['type=semver,pattern={{major}},value=v4.1.0'],
        ['4', 'latest'],
      ],
      [
        'sha long without prefix',
        'forgejo',
        'push_main',
        ['type=sha,format=long,prefix='],
        ['3f9c2e71d0a84b6e9c15f7a2b8d40e6c1a7b9d52'],
      ],
      [
        'sha with expressions',
        'forgejo',
        'push_main',
        ["type=sha,prefix={{branch}}-,suffix=-{{date 'YYYY'}}"],
        ['main-3f9c2e7-2026'],
      ],
      [
        'raw on the default branch only',
        'forgejo',
        'push_feature',
        ['type=raw,value=stable,enable={{is_default_branch}}'],
        [],
      ],
      [
        'raw off the default branch',
        'forgejo',
        'push_feature',
        ['type=raw,value=preview,enable={{is_not_default_branch}}'],
        ['preview'],
      ],
      ['plain tags are raw rules', 'github', 'push_dev', ['v1', 'candidate'], ['v1', 'candidate']],
      [
        'priority orders the tags (semver 900 > ref 600 > raw 200 > sha 100)',
        'forgejo',
        'tag_v2.3.1',
        ['type=sha', 'type=raw,value=release', 'type=ref,event=tag', 'type=semver,pattern={{version}}'],
        ['2.3.1', 'v2.3.1', 'release', 'sha-c4e7a1f', 'latest'],
      ],
      [
        'an explicit priority wins',
        'forgejo',
        'push_main',
        ['type=ref,event=branch', 'type=raw,value=first,priority=2000'],
        ['first', 'main'],
      ],
      ['edge on the default branch', 'github', 'push_master', ['type=edge'], ['edge']],
      [
        'duplicates are dropped',
        'forgejo',
        'push_main',
        ['type=raw,value=main', 'type=ref,event=branch'],
        ['main'],
      ],
    ])('%s', (_title, forge, event, tags, names) => {
      expect(compute(forge, event, { tags }).tagNames).toEqual(names);
    });

    it.each<[string, string[], string[]]>([
      [
        '{{major}} and {{major}}.{{minor}} collapse to {{version}} for a prerelease',
        [
          'type=semver,pattern={{version}}',
          'type=semver,pattern={{major}}.{{minor}}',
          'type=semver,pattern={{major}}',
        ],
        ['2.4.0-rc.1'],
      ],
      ['{{raw}} stays raw for a prerelease', ['type=semver,pattern={{raw}}'], ['v2.4.0-rc.1']],
    ])('%s', (_title, tags, names) => {
      const { runner, payload } = loadEvent('forgejo', 'tag_v2.3.1');
      const context = metadataContext({ ...runner, ref: 'refs/tags/v2.4.0-rc.1' }, payload, { now: NOW });
      expect(computeImageMetadata(context, { images: IMAGES, tags }).tagNames).toEqual(names);
    });
  });

  describe('when the flavor or default branch is set', () => {
    it('latest=false keeps latest off a release tag', () => {
      expect(compute('forgejo', 'tag_v2.3.1', { flavor: ['latest=false'] }).tagNames).toEqual([
        '2.3.1',
        'v2.3.1',
        'sha-c4e7a1f',
      ]);
    });
    it('a prefix applies to every tag and, with onlatest, to latest', () => {
      expect(
        compute('forgejo', 'tag_v2.3.1', {
          tags: ['type=semver,pattern={{version}}'],
          flavor: ['prefix=api-,onlatest=true'],
        }).tagNames,
      ).toEqual(['api-2.3.1', 'api-latest']);
    });
    it('the default-branch input overrides the payload', () => {
      expect(compute('forgejo', 'push_feature', {}, 'feature/ledger-v2').tagNames).toEqual([
        'feature-ledger-v2',
        'latest',
        'sha-b81d4c0',
      ]);
      expect(compute('forgejo', 'push_main', {}, 'develop').tagNames).toEqual(['main', 'sha-3f9c2e7']);
    });
  });

  describe('labels and annotations', () => {
    it('computes the OCI labels from a Forgejo run', () => {
      expect(compute('forgejo', 'push_main').labels).toEqual({
        'org.opencontainers.image.created': '2026-12-04T03:00:00.000Z',
        'org.opencontainers.image.description': 'Payments API service',
        'org.opencontainers.image.revision': '3f9c2e71d0a84b6e9c15f7a2b8d40e6c1a7b9d52',
        'org.opencontainers.image.source': 'https://git.example.org/infra/payments-api',
        'org.opencontainers.image.title': 'payments-api',
        'org.opencontainers.image.url': 'https://git.example.org/infra/payments-api',
        'org.opencontainers.image.version': 'main',
      });
    });
    it('computes the OCI labels from a GitHub tag run, with the licence', () => {
      expect(compute('github', 'tag_v1.1.1').labels).toEqual({
        'org.opencontainers.image.created': '2026-12-04T03:00:00.000Z',
        'org.opencontainers.image.description': 'Test "Docker" Actions',
        'org.opencontainers.image.licenses': 'MIT',
        'org.opencontainers.image.revision': '860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source': 'https://github.com/docker/test-docker-action',
        'org.opencontainers.image.title': 'test-docker-action',
        'org.opencontainers.image.url': 'https://github.com/docker/test-docker-action',
        'org.opencontainers.image.version': '1.1.1',
      });
    });
    it('falls back to the server URL when the payload has no repository (GitHub schedule)', () => {
      expect(compute('github', 'schedule').labels).toEqual({
        'org.opencontainers.image.created': '2026-12-04T03:00:00.000Z',
        'org.opencontainers.image.revision': '860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source': 'https://github.com/docker/test-docker-action',
        'org.opencontainers.image.title': 'test-docker-action',
        'org.opencontainers.image.url': 'https://github.com/docker/test-docker-action',
        'org.opencontainers.image.version': 'master',
      });
    });
    it('lets user labels and annotations win, with expressions', () => {
      const metadata = compute('forgejo', 'push_feature', {
        labels: { 'org.opencontainers.image.title': 'Payments', 'team.branch': '{{branch}}@{{sha}}' },
        annotations: { 'org.opencontainers.image.description': 'Ledger preview' },
      });
      expect(metadata.labels).toEqual({
        'org.opencontainers.image.created': '2026-12-04T03:00:00.000Z',
        'org.opencontainers.image.description': 'Payments API service',
        'org.opencontainers.image.revision': 'b81d4c0e97a3f25d6e8c1b07f4a9d3e2c5b6a718',
        'org.opencontainers.image.source': 'https://git.example.org/infra/payments-api',
        'org.opencontainers.image.title': 'Payments',
        'org.opencontainers.image.url': 'https://git.example.org/infra/payments-api',
        'org.opencontainers.image.version': 'feature-ledger-v2',
        'team.branch': 'feature/ledger-v2@b81d4c0',
      });
      expect(metadata.annotations['org.opencontainers.image.description']).toBe('Ledger preview');
      expect(metadata.annotations['org.opencontainers.image.title']).toBe('payments-api');
    });
  });
});
