import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dockerConfigCredentials,
  dockerConfigPath,
  restoreDockerConfigEntry,
  writeDockerConfigEntry,
} from '@sovereign-ci/oci';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('dockerConfigPath', () => {
  it.each([
    [{ DOCKER_CONFIG: '/etc/dc', HOME: '/home/u' }, '/etc/dc/config.json'],
    [{ HOME: '/home/u' }, '/home/u/.docker/config.json'],
  ])('%j', (env, expected) => {
    expect(dockerConfigPath(env)).toEqual(expected);
  });
});

describe('dockerConfigCredentials', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'oci-dc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = async (content: object) => {
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify(content));
    return file;
  };

  describe('when credentials are in auths', () => {
    it.each([
      [
        'harbor.lab',
        { auths: { 'harbor.lab': { auth: b64('u:p:with:colons') } } },
        { username: 'u', password: 'p:with:colons' },
      ],
      [
        'harbor.lab',
        { auths: { 'https://harbor.lab/v2/': { username: 'u', password: 'p' } } },
        { username: 'u', password: 'p' },
      ],
      [
        'docker.io',
        { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:tok') } } },
        { username: 'hub', password: 'tok' },
      ],
      [
        'f.lab:3000',
        { auths: { 'f.lab:3000': { auth: b64('a:b'), identitytoken: 'refresh' } } },
        { username: 'a', password: 'b', identityToken: 'refresh' },
      ],
      ['other.lab', { auths: { 'harbor.lab': { auth: b64('u:p') } } }, undefined],
      ['harbor.lab', { auths: { 'harbor.lab': {} } }, undefined],
    ])('%s from %j', async (registry, content, expected) => {
      expect(await dockerConfigCredentials(await config(content)).get(registry)).toEqual(expected);
    });
  });

  describe('when the file does not exist', () => {
    it('has no credentials', async () => {
      expect(await dockerConfigCredentials(path.join(dir, 'absent.json')).get('harbor.lab')).toBeUndefined();
    });
  });

  describe('when a credential helper is configured', () => {
    const helper = async (name: string, script: string) => {
      const file = path.join(dir, `docker-credential-${name}`);
      await writeFile(file, `#!/bin/sh\n${script}\n`);
      await chmod(file, 0o755);
    };
    const env = () => ({ PATH: `${dir}:/usr/bin:/bin` });

    it('asks credHelpers for its registry with the server URL on stdin', async () => {
      await helper(
        'lab',
        'read url; echo "{\\"ServerURL\\":\\"$url\\",\\"Username\\":\\"user-for-$url\\",\\"Secret\\":\\"s3cret\\"}"',
      );
      const file = await config({
        credHelpers: { 'harbor.lab': 'lab' },
        auths: { 'harbor.lab': { auth: b64('x:y') } },
      });
      expect(await dockerConfigCredentials(file, { env: env() }).get('harbor.lab')).toEqual({
        username: 'user-for-harbor.lab',
        password: 's3cret',
      });
    });

    it('maps the <token> user name to an identity token and falls back from credsStore to auths', async () => {
      await helper(
        'store',
        'read url; if [ "$url" = "a.lab" ]; then echo \'{"Username":"<token>","Secret":"rt"}\'; else echo "credentials not found in native keychain"; exit 1; fi',
      );
      const file = await config({ credsStore: 'store', auths: { 'b.lab': { auth: b64('u:p') } } });
      const provider = dockerConfigCredentials(file, { env: env() });
      expect(await provider.get('a.lab')).toEqual({ identityToken: 'rt' });
      expect(await provider.get('b.lab')).toEqual({ username: 'u', password: 'p' });
    });

    it('reports a failing helper without echoing what it printed', async () => {
      await helper('broken', 'echo "leaked-secret" >&2; exit 3');
      const file = await config({ credHelpers: { 'harbor.lab': 'broken' } });
      const error = await dockerConfigCredentials(file, { env: env() })
        .get('harbor.lab')
        .catch((e: Error) => e);
      expect((error as Error).message).toEqual(
        'credential helper docker-credential-broken failed (exit 3) for harbor.lab',
      );
    });
  });
});

describe('writeDockerConfigEntry', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'oci-dcw-'));
    file = path.join(dir, 'sub', 'config.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('when there is no config yet', () => {
    it('creates it with mode 0600 and removes the entry again on restore', async () => {
      expect(await writeDockerConfigEntry(file, 'harbor.lab', { username: 'u', password: 'p' })).toEqual({});
      expect((await stat(file)).mode & 0o777).toEqual(0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        auths: { 'harbor.lab': { auth: b64('u:p') } },
      });
      expect(await readdir(path.dirname(file))).toEqual(['config.json']);
      await restoreDockerConfigEntry(file, 'harbor.lab');
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ auths: {} });
    });
  });

  describe('when the config has other entries and settings', () => {
    it('keeps them, returns the replaced entry and restores it', async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.dirname(file));
      const before = {
        auths: { 'harbor.lab': { auth: b64('old:old') }, 'other.lab': { auth: b64('o:o') } },
        credHelpers: { 'gcr.io': 'gcloud' },
        proxies: { default: {} },
      };
      await writeFile(file, JSON.stringify(before), { mode: 0o644 });
      const { previous } = await writeDockerConfigEntry(file, 'harbor.lab', {
        username: 'new',
        password: 'new',
      });
      expect(previous).toEqual({ auth: b64('old:old') });
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        ...before,
        auths: { 'harbor.lab': { auth: b64('new:new') }, 'other.lab': { auth: b64('o:o') } },
      });
      expect((await stat(file)).mode & 0o777).toEqual(0o600);
      await restoreDockerConfigEntry(file, 'harbor.lab', previous);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(before);
    });

    it('writes docker.io under the key docker itself uses', async () => {
      await writeDockerConfigEntry(file, 'docker.io', { username: 'u', password: 'p' });
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        auths: { 'https://index.docker.io/v1/': { auth: b64('u:p') } },
      });
      expect(await dockerConfigCredentials(file).get('docker.io')).toEqual({ username: 'u', password: 'p' });
    });
  });

  describe('when the config is not JSON', () => {
    it('refuses to overwrite it', async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.dirname(file));
      await writeFile(file, '{not json');
      await expect(writeDockerConfigEntry(file, 'h.lab', { username: 'u', password: 'p' })).rejects.toThrow(
        `docker config ${file} is not a JSON object; refusing to overwrite it`,
      );
      expect(await readFile(file, 'utf8')).toEqual('{not json');
    });
  });
});
