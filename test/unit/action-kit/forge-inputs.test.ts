import { describe, expect, it } from 'vitest';
import { readRegistryHost, readServerUrl, readToken, setSecretMasker } from '@sovereign-ci/action-kit';

describe('readRegistryHost', () => {
  it.each(['harbor.lab', '127.0.0.1:5000', 'git.example.org'])('accepts %s', (host) => {
    expect(readRegistryHost({ INPUT_REGISTRY: host })).toBe(host);
  });
  it.each(['harbor.lab/team', 'harbor.lab@sha256:x', 'a b'])('refuses %s naming the input', (host) => {
    expect(() => readRegistryHost({ INPUT_REGISTRY: host })).toThrow(
      `input 'registry': expected a registry host such as harbor.lab, got '${host}'`,
    );
  });
});

describe('readServerUrl', () => {
  it('takes the input, else the job server URL', () => {
    expect(readServerUrl({ 'INPUT_FORGEJO-URL': 'https://a.example' }, 'forgejo-url')).toBe(
      'https://a.example',
    );
    expect(readServerUrl({ FORGEJO_SERVER_URL: 'https://b.example' }, 'forgejo-url')).toBe(
      'https://b.example',
    );
    expect(readServerUrl({}, 'forgejo-url')).toBeUndefined();
  });
  it('refuses what is not an http(s) URL', () => {
    expect(() => readServerUrl({ 'INPUT_FORGEJO-URL': 'git.example.org' }, 'forgejo-url')).toThrow(
      "input 'forgejo-url': expected an http(s) URL such as https://git.example.org, got 'git.example.org'",
    );
  });
});

describe('readToken', () => {
  it('masks the input, or the job token it falls back to', () => {
    const masked: string[] = [];
    setSecretMasker((value) => masked.push(value));
    expect(readToken({ INPUT_TOKEN: 'pat-123456' })).toBe('pat-123456');
    expect(readToken({ FORGEJO_TOKEN: 'job-7890' })).toBe('job-7890');
    expect(readToken({})).toBeUndefined();
    expect(masked).toEqual(['pat-123456', 'job-7890']);
  });
});
