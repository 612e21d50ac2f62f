import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionContext, setSecretMasker, type RunnerCommands } from '@sovereign-ci/action-kit';
import { run } from '../../../actions/login/src/run';
import { fakeServer, json } from '../oci/fake-server';

function recorder(): RunnerCommands & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    setOutput: (n, v) => void lines.push(`output ${n}=${v}`),
    setFailed: (m) => void lines.push(`failed ${m}`),
    setSecret: () => {},
    saveState: () => {},
    getState: () => '',
    exportVariable: () => {},
    debug: () => {},
    info: (m) => void lines.push(`info ${m}`),
    warning: (m) => void lines.push(`warning ${m}`),
    startGroup: () => {},
    endGroup: () => {},
  };
}

describe('login run', () => {
  let dir: string;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'login-run-'));
    setSecretMasker(() => {});
  });
  afterEach(async () => {
    await stop?.();
    await rm(dir, { recursive: true, force: true });
  });

  /** A registry that wants Basic u:p. */
  async function basicRegistry(): Promise<string> {
    const server = await fakeServer((req, res) =>
      req.headers.authorization === `Basic ${Buffer.from('u:p').toString('base64')}`
        ? json(res, 200, {})
        : json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Basic realm="r"' }),
    );
    stop = server.stop;
    return server.host;
  }

  describe.each([
    [
      'credHelpers names a helper for the registry',
      (host: string) => ({ credHelpers: { [host]: 'pass' } }),
      'pass',
      'credHelpers',
    ],
    ['credsStore is set', () => ({ credsStore: 'desktop' }), 'desktop', 'credsStore'],
  ])('when %s', (_what, config, helper, key) => {
    it('writes the entry and warns that the helper is asked first', async () => {
      const host = await basicRegistry();
      const configPath = path.join(dir, 'docker', 'config.json');
      await mkdir(path.dirname(configPath));
      const before = config(host);
      await writeFile(configPath, JSON.stringify(before));
      const commands = recorder();
      const env = {
        DOCKER_CONFIG: path.dirname(configPath),
        RUNNER_TEMP: dir,
        INPUT_REGISTRY: host,
        INPUT_USERNAME: 'u',
        INPUT_PASSWORD: 'p',
      };
      await run(createActionContext(env, commands));
      expect(JSON.parse(await readFile(configPath, 'utf8'))).toEqual({
        ...before,
        auths: { [host]: { auth: Buffer.from('u:p').toString('base64') } },
      });
      const warnings = commands.lines.filter((l) => l.startsWith('warning '));
      expect(warnings).toEqual([expect.stringContaining(`${configPath} has ${key} '${helper}'`) as unknown]);
      expect(warnings[0]).toContain(`docker-credential-${helper}`);
      expect(warnings[0]).not.toContain('u:p');
    });
  });

  describe('when no helper is configured', () => {
    it('writes the entry without a warning', async () => {
      const host = await basicRegistry();
      const commands = recorder();
      const env = {
        DOCKER_CONFIG: path.join(dir, 'docker'),
        RUNNER_TEMP: dir,
        INPUT_REGISTRY: host,
        INPUT_USERNAME: 'u',
        INPUT_PASSWORD: 'p',
      };
      await run(createActionContext(env, commands));
      expect(commands.lines.filter((l) => l.startsWith('warning '))).toEqual([]);
    });
  });
});
