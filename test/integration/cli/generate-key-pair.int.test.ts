import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPrivateKey, signBytes } from '@sovereign-ci/cosign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { runCli, sourceCli } from './run-cli';

function cli(args: string[], cwd: string, env: Record<string, string>) {
  return runCli(sourceCli, args, { cwd, env, timeoutMs: 60_000 });
}

describe('sovereign-ci generate-key-pair', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await tempDir('cli-keys');
  });
  afterAll(() => dir.cleanup());

  describe('when COSIGN_PASSWORD is set', () => {
    it('writes an encrypted key that signs what openssl verifies with the public key', async () => {
      const run = cli(['generate-key-pair', '--output-key-prefix', 'release'], dir.path, {
        COSIGN_PASSWORD: 'hello',
      });
      expect(run.status).toBe(0);
      const keyFile = path.join(dir.path, 'release.key');
      const pubFile = path.join(dir.path, 'release.pub');
      expect(JSON.parse(run.stdout)).toEqual({ privateKey: keyFile, publicKey: pubFile });
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);

      const key = await loadPrivateKey(readFileSync(keyFile, 'utf8'), 'hello');
      const data = Buffer.from('payload to sign');
      const sigFile = path.join(dir.path, 'payload.sig');
      const dataFile = path.join(dir.path, 'payload');
      writeFileSync(dataFile, data);
      writeFileSync(sigFile, signBytes(key, data));
      const openssl = requireTool('openssl');
      const verified = execFileSync(
        openssl,
        ['dgst', '-sha256', '-verify', pubFile, '-signature', sigFile, dataFile],
        { encoding: 'utf8' },
      );
      expect(verified.trim()).toBe('Verified OK');
      const text = execFileSync(openssl, ['pkey', '-pubin', '-in', pubFile, '-noout', '-text'], {
        encoding: 'utf8',
      });
      expect(text).toContain('prime256v1');
    });

    it('refuses to overwrite existing files without --force', () => {
      const run = cli(['generate-key-pair', '--output-key-prefix', 'release'], dir.path, {
        COSIGN_PASSWORD: 'x',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        `${path.join(dir.path, 'release.key')} exists; pass --force to overwrite it`,
      );
    });
  });

  it('rejects a wrong password when the key is loaded', async () => {
    await expect(
      loadPrivateKey(readFileSync(path.join(dir.path, 'release.key'), 'utf8'), 'not-hello'),
    ).rejects.toThrow();
  });
});
