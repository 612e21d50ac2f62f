import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActionContext, setSecretMasker, type RunnerCommands } from '@sovereign-ci/action-kit';
import { dockerConfigCredentials, RegistryClient } from '@sovereign-ci/oci';
import { post, run } from '../../../actions/login/src/run';
import { startRegistry, type RegistryVariant, type TestRegistry } from '../../harness/registry';
import { writeTinyOciLayout } from '../../harness/oci-layout';
import { skopeo } from '../../harness/skopeo';
import { tempDir } from '../../harness/temp';

interface Recorder extends RunnerCommands {
  lines: string[];
  state: Map<string, string>;
  failed: string[];
}

function recorder(state = new Map<string, string>()): Recorder {
  const lines: string[] = [];
  return {
    lines,
    state,
    failed: [],
    setOutput: (n, v) => void lines.push(`output ${n}=${v}`),
    setFailed(m) {
      this.failed.push(m);
    },
    setSecret: () => {},
    saveState: (n, v) => void state.set(n, v),
    getState: (n) => state.get(n) ?? '',
    exportVariable: () => {},
    debug: (m) => void lines.push(`debug ${m}`),
    info: (m) => void lines.push(`info ${m}`),
    warning: (m) => void lines.push(`warning ${m}`),
    startGroup: () => {},
    endGroup: () => {},
  };
}

function inputs(reg: TestRegistry, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    INPUT_REGISTRY: reg.host,
    INPUT_USERNAME: reg.username ?? '',
    INPUT_PASSWORD: reg.password ?? '',
    ...(reg.caFile ? { 'INPUT_CA-FILE': reg.caFile } : {}),
    ...overrides,
  };
}

describe('login action', () => {
  const registries = new Map<RegistryVariant, TestRegistry>();
  let home: { path: string; cleanup(): Promise<void> };
  const masked: string[] = [];

  beforeAll(async () => {
    setSecretMasker((v) => masked.push(v));
    for (const variant of ['basic', 'token'] as const) {
      registries.set(variant, await startRegistry(variant));
    }
    registries.set('tls', await startRegistry('basic', { tls: true }));
  });
  afterAll(async () => {
    for (const reg of registries.values()) await reg.stop();
    await home?.cleanup();
  });
  beforeEach(async () => {
    await home?.cleanup();
    home = await tempDir('login-home');
  });

  const env = (reg: TestRegistry, overrides: Record<string, string> = {}) => ({
    DOCKER_CONFIG: path.join(home.path, 'docker'),
    RUNNER_TEMP: home.path,
    ...inputs(reg, overrides),
  });

  describe.each(['basic', 'token', 'tls'] as const)('when the registry uses %s auth', (variant) => {
    it('checks the credentials, writes a 0600 config that skopeo can use, and removes it in post', async () => {
      const reg = registries.get(variant)!;
      const commands = recorder();
      const e = env(reg);
      await run(createActionContext(e, commands));
      const configPath = path.join(home.path, 'docker', 'config.json');
      expect((await stat(configPath)).mode & 0o777).toEqual(0o600);
      expect(commands.lines).toContain(`output config-path=${configPath}`);
      expect(await dockerConfigCredentials(configPath).get(reg.host)).toEqual({
        username: reg.username,
        password: reg.password,
      });
      const tls = reg.certDir ? [`--dest-cert-dir=${reg.certDir}`] : ['--dest-tls-verify=false'];
      const layout = await writeTinyOciLayout(path.join(home.path, 'layout'));
      await skopeo([
        'copy',
        ...tls,
        `--dest-authfile=${configPath}`,
        layout.skopeoRef,
        `docker://${reg.host}/login/check:v1`,
      ]);
      const pushed = await skopeo([
        'inspect',
        ...(reg.certDir ? [`--cert-dir=${reg.certDir}`] : ['--tls-verify=false']),
        `--authfile=${configPath}`,
        `docker://${reg.host}/login/check:v1`,
      ]);
      expect((JSON.parse(pushed.stdout) as { Digest: string }).Digest).toEqual(layout.manifestDigest);
      expect(masked).toContain(reg.password);

      await post(createActionContext(e, recorder(commands.state)));
      expect(JSON.parse(await readFile(configPath, 'utf8'))).toEqual({ auths: {} });
    });

    it('fails with a clear message on a wrong password and writes nothing', async () => {
      const reg = registries.get(variant)!;
      const commands = recorder();
      const e = env(reg, { INPUT_PASSWORD: 'not-the-password' });
      const error = await run(createActionContext(e, commands)).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(error).toMatchObject({ name: 'RegistryError', code: 'UNAUTHORIZED' });
      expect(error?.message).toContain(`check the login step for ${reg.host}`);
      expect(error?.message).not.toContain('not-the-password');
      await expect(stat(path.join(home.path, 'docker', 'config.json'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
      expect(commands.state.size).toEqual(0);
    });
  });

  describe('when two logins run in one job', () => {
    it('keeps both entries and the unrelated ones, and each post removes only its own', async () => {
      const basic = registries.get('basic')!;
      const token = registries.get('token')!;
      const configPath = path.join(home.path, 'docker', 'config.json');
      await mkdir(path.dirname(configPath), { recursive: true });
      const other = { auth: Buffer.from('someone:else').toString('base64') };
      await writeFile(
        configPath,
        JSON.stringify({
          auths: { 'other.lab': other, [token.host]: { auth: 'b2xkOm9sZA==' } },
          credHelpers: {},
        }),
      );

      const first = recorder();
      const second = recorder();
      await run(createActionContext(env(basic), first));
      await run(createActionContext(env(token), second));
      const both = JSON.parse(await readFile(configPath, 'utf8')) as { auths: Record<string, unknown> };
      expect(Object.keys(both.auths).sort()).toEqual([basic.host, token.host, 'other.lab'].sort());
      const client = new RegistryClient({ credentials: dockerConfigCredentials(configPath) });
      try {
        await client.ping(basic.host);
        await client.ping(token.host);
      } finally {
        await client.close();
      }

      await post(createActionContext(env(token), recorder(second.state)));
      await post(createActionContext(env(basic), recorder(first.state)));
      expect(JSON.parse(await readFile(configPath, 'utf8'))).toEqual({
        auths: { 'other.lab': other, [token.host]: { auth: 'b2xkOm9sZA==' } },
        credHelpers: {},
      });
    });
  });

  describe('when logout is false', () => {
    it('saves no state, so post leaves the entry', async () => {
      const reg = registries.get('basic')!;
      const commands = recorder();
      await run(createActionContext(env(reg, { INPUT_LOGOUT: 'false' }), commands));
      expect(commands.state.size).toEqual(0);
      await post(createActionContext(env(reg), recorder(commands.state)));
      const config = JSON.parse(await readFile(path.join(home.path, 'docker', 'config.json'), 'utf8')) as {
        auths: Record<string, unknown>;
      };
      expect(Object.keys(config.auths)).toEqual([reg.host]);
    });
  });
});
