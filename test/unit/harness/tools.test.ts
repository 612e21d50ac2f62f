import { describe, expect, it } from 'vitest';
import { dockerAuths } from '../../harness/docker-config';
import type { TestRegistry } from '../../harness/registry';
import { skopeoFlags } from '../../harness/skopeo';
import { findTool, requireTool } from '../../harness/tools';

function reg(partial: Partial<TestRegistry>): TestRegistry {
  return {
    variant: 'plain',
    host: '127.0.0.1:5000',
    url: 'http://127.0.0.1:5000',
    dataDir: '/x',
    configPath: '/x/config.yml',
    pid: 1,
    log: () => '',
    stop: async () => {},
    ...partial,
  };
}

describe('requireTool', () => {
  describe('when the tool exists', () => {
    it('returns its absolute path', () => {
      expect(requireTool('sh')).toMatch(/^\/.*\/sh$/);
    });
  });
  describe('when the tool is missing', () => {
    it('throws naming the package to install', () => {
      expect(findTool('no-such-tool-xyz')).toBeUndefined();
      expect(() => requireTool('htpasswd-missing-xyz')).toThrow(
        /^htpasswd-missing-xyz is required for this test: install it with apt-get install -y htpasswd-missing-xyz/,
      );
    });
  });
});

describe('dockerAuths', () => {
  it('lists only registries that have credentials', () => {
    expect(
      dockerAuths([reg({}), reg({ variant: 'basic', host: '127.0.0.1:1', username: 'u', password: 'p:w' })]),
    ).toEqual({ '127.0.0.1:1': { auth: Buffer.from('u:p:w').toString('base64') } });
  });
});

describe('skopeoFlags', () => {
  const tls = reg({ variant: 'tls', url: 'https://127.0.0.1:5000', certDir: '/c' });
  const basic = reg({ variant: 'basic', username: 'u', password: 'p' });
  it.each([
    ['plain', reg({}), 'plain', ['--tls-verify=false', '--no-creds']],
    ['plain', reg({}), 'src', ['--src-tls-verify=false', '--src-no-creds']],
    ['basic', basic, 'dest', ['--dest-tls-verify=false', '--dest-creds=u:p']],
    ['tls', tls, 'plain', ['--tls-verify=true', '--cert-dir=/c', '--no-creds']],
    ['tls', tls, 'dest', ['--dest-tls-verify=true', '--dest-cert-dir=/c', '--dest-no-creds']],
  ] as const)('gives the %s registry its %s flags', (_name, registry, side, expected) => {
    expect(skopeoFlags(registry, side)).toEqual(expected);
  });
});
