import { describe, expect, it } from 'vitest';
import { formatReference, InvalidReferenceError, parseReference, registryEndpoint } from '@sovereign-ci/oci';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  describe('when the reference is valid', () => {
    it.each([
      ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
      ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
      ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
      ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine' }],
      [
        'index.docker.io/library/alpine:edge',
        { registry: 'docker.io', repository: 'library/alpine', tag: 'edge' },
      ],
      ['harbor.lab/team/app', { registry: 'harbor.lab', repository: 'team/app' }],
      ['harbor.lab:8443/team/app:1.0', { registry: 'harbor.lab:8443', repository: 'team/app', tag: '1.0' }],
      ['localhost/app', { registry: 'localhost', repository: 'app' }],
      ['localhost:5000/a/b/c:t', { registry: 'localhost:5000', repository: 'a/b/c', tag: 't' }],
      ['127.0.0.1:5000/app@' + D, { registry: '127.0.0.1:5000', repository: 'app', digest: D }],
      ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
      [`ghcr.io/o/r:v1@${D}`, { registry: 'ghcr.io', repository: 'o/r', tag: 'v1', digest: D }],
      ['quay.io/a_b/c-d.e__f:x', { registry: 'quay.io', repository: 'a_b/c-d.e__f', tag: 'x' }],
    ])('%s', (input, expected) => {
      expect(parseReference(input)).toEqual(expected);
    });
  });

  describe('when the reference is invalid', () => {
    it.each([
      ['', 'it is empty'],
      [' alpine', 'it contains whitespace'],
      ['https://harbor.lab/app', 'a reference has no URL scheme'],
      ['Harbor/App', "repository name component 'Harbor' must be lowercase"],
      ['harbor.lab/team//app', 'empty path component'],
      ['alpine:', "'' is not a valid tag"],
      ['alpine:-bad', "'-bad' is not a valid tag"],
      ['alpine@sha256:abc', "'sha256:abc' is not a valid digest"],
      [`alpine@sha256:${'A'.repeat(64)}`, 'is not a valid digest'],
      ['harbor.lab/', 'empty path component'],
      ['team/-app', "repository name component '-app' is invalid"],
      [`a/${'b'.repeat(260)}`, 'longer than 255 characters'],
    ])('%j', (input, reason) => {
      let error: unknown;
      try {
        parseReference(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidReferenceError);
      expect(error).toMatchObject({ code: 'INVALID_REFERENCE' });
      expect((error as Error).message).toContain(`'${input}'`);
      expect((error as Error).message).toContain(reason);
    });
  });
});

describe('formatReference', () => {
  it.each([
    [{ registry: 'docker.io', repository: 'library/alpine', tag: '3' }, 'docker.io/library/alpine:3'],
    [{ registry: 'h:5000', repository: 'a', digest: D }, `h:5000/a@${D}`],
    [{ registry: 'h.lab', repository: 'a', tag: 't', digest: D }, `h.lab/a:t@${D}`],
  ])('%j', (ref, expected) => {
    expect(formatReference(ref)).toEqual(expected);
    expect(parseReference(expected)).toEqual(ref);
  });
});

describe('registryEndpoint', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io'],
    ['harbor.lab', 'harbor.lab'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('%s', (registry, endpoint) => {
    expect(registryEndpoint(registry)).toEqual(endpoint);
  });
});
