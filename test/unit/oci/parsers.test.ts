import { describe, expect, it } from 'vitest';
import { mergeScopes } from '../../../packages/oci/src/registry-auth';
import { nextLink } from '../../../packages/oci/src/pagination';
import { defaultRetryPolicy, parseRetryAfter, retryDelay } from '../../../packages/oci/src/retry-policy';
import { parseWwwAuthenticate } from '../../../packages/oci/src/www-authenticate';
import {
  MediaType,
  selectPlatform,
  type Descriptor,
  type ImageIndex,
  type Platform,
} from '@sovereign-ci/oci';

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/alpine:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Basic realm="x", Bearer realm="https://h/t", service=reg',
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://h/t', service: 'reg' } },
      ],
    ],
    ['Bearer realm="a \\"quoted\\" realm"', [{ scheme: 'bearer', params: { realm: 'a "quoted" realm' } }]],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('mergeScopes', () => {
  it.each([
    [['repository:a:pull'], 'repository:a:push', ['repository:a:pull,push']],
    [
      ['repository:a:pull,push', 'repository:b:pull'],
      undefined,
      ['repository:a:pull,push', 'repository:b:pull'],
    ],
    [[], 'repository:a:pull registry:catalog:*', ['repository:a:pull', 'registry:catalog:*']],
  ])('%j + %j', (ours, challenge, expected) => {
    expect(mergeScopes(ours, challenge)).toEqual(expected);
  });
});

describe('nextLink', () => {
  it.each([
    ['</v2/_catalog?last=b&n=2>; rel="next"', '/v2/_catalog?last=b&n=2'],
    ['<https://h/v2/x/tags/list?n=1&last=a>; rel=next', 'https://h/v2/x/tags/list?n=1&last=a'],
    ['</prev>; rel="prev", </next>; rel="next"', '/next'],
    ['</prev>; rel="prev"', undefined],
    [undefined, undefined],
  ])('%s', (link, expected) => {
    expect(nextLink(link)).toEqual(expected);
  });
});

describe('retry policy', () => {
  describe('when the server sends Retry-After', () => {
    it.each([
      ['3', 3000],
      ['0', 0],
      ['Fri, 04 Dec 2026 00:00:10 GMT', 10_000],
      ['soon', undefined],
      [undefined, undefined],
    ])('%s', (value, ms) => {
      expect(parseRetryAfter(value, Date.parse('Fri, 04 Dec 2026 00:00:00 GMT'))).toEqual(ms);
    });

    it('waits that long, capped', () => {
      expect(retryDelay(defaultRetryPolicy, 0, 2000)).toEqual(2000);
      expect(retryDelay(defaultRetryPolicy, 0, 3_600_000)).toEqual(defaultRetryPolicy.maxRetryAfterMs);
    });
  });

  describe('when it does not', () => {
    it('backs off exponentially with jitter, bounded', () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const ceiling = Math.min(
          defaultRetryPolicy.maxDelayMs,
          defaultRetryPolicy.baseDelayMs * 2 ** attempt,
        );
        const d = retryDelay(defaultRetryPolicy, attempt);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    });
  });
});

describe('selectPlatform', () => {
  const d = (digest: string, platform: Platform): Descriptor => ({
    mediaType: MediaType.ociManifest,
    digest,
    size: 1,
    platform,
  });
  const index: ImageIndex = {
    schemaVersion: 2,
    manifests: [
      d('sha256:amd', { os: 'linux', architecture: 'amd64' }),
      d('sha256:armv7', { os: 'linux', architecture: 'arm', variant: 'v7' }),
      d('sha256:arm64', { os: 'linux', architecture: 'arm64' }),
      d('sha256:att', { os: 'unknown', architecture: 'unknown' }),
    ],
  };
  it.each([
    ['linux/amd64', 'sha256:amd'],
    ['linux/arm64', 'sha256:arm64'],
    ['linux/arm64/v8', 'sha256:arm64'],
    ['linux/arm/v7', 'sha256:armv7'],
  ])('%s', (platform, digest) => {
    expect(selectPlatform(index, platform).digest).toEqual(digest);
  });
  it('names the platforms there are when none fits', () => {
    expect(() => selectPlatform(index, 'windows/amd64')).toThrow(
      'no image for platform windows/amd64 in the index; available: linux/amd64, linux/arm/v7, linux/arm64',
    );
    expect(() => selectPlatform(index, 'linux')).toThrow("invalid platform 'linux'");
  });
});
