import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { buildWithKaniko, type CommandRunner } from '@sovereign-ci/build';
import { fullSpec } from './spec';

const DIGEST = `sha256:${'c'.repeat(64)}`;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kaniko-run-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A fake executor: records the call and writes the digest files where the flags (or mounts) say. */
function fakeKaniko(
  mounts: boolean,
): CommandRunner & { calls: { command: string; args: string[]; env?: Record<string, string> }[] } {
  const calls: { command: string; args: string[]; env?: Record<string, string> }[] = [];
  return {
    calls,
    async run(command, args, options) {
      calls.push({ command, args: [...args], ...(options?.env ? { env: options.env } : {}) });
      if (args[0] === 'info') return { exitCode: 0, stdout: '27.3.1', stderr: '' };
      const flag = (name: string) =>
        args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) as string;
      let digestFile = flag('digest-file');
      let namesFile = flag('image-name-with-digest-file');
      if (mounts) {
        const volume = args.find((a) => a.endsWith(':/kaniko/sovereign/out')) ?? '';
        const hostDir = volume.slice(0, volume.lastIndexOf(':'));
        digestFile = digestFile.replace('/kaniko/sovereign/out', hostDir);
        namesFile = namesFile.replace('/kaniko/sovereign/out', hostDir);
      }
      const destinations = args.filter((a) => a.startsWith('--destination=')).map((a) => a.slice(14));
      await writeFile(digestFile, DIGEST);
      await writeFile(namesFile, destinations.map((d) => `${d}@${DIGEST}\n`).join(''));
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

describe('buildWithKaniko', () => {
  describe('when /kaniko/executor exists', () => {
    it('runs it with DOCKER_CONFIG pointing at the docker config and returns its digest', async () => {
      const runner = fakeKaniko(false);
      const spec = fullSpec({ extraArgs: [], caFile: undefined });
      const result = await buildWithKaniko(spec, {
        runner,
        tempDir: tmp,
        logger: silentLogger,
        fileExists: (file) => file === '/kaniko/executor',
      });
      expect(result).toEqual({ digest: DIGEST, pushed: spec.destinations.map((d) => `${d}@${DIGEST}`) });
      expect(runner.calls.map((c) => [c.command, c.env])).toEqual([
        ['/kaniko/executor', { DOCKER_CONFIG: '/home/runner/.docker' }],
      ]);
    });
  });

  describe('when only a Docker daemon is there', () => {
    it('docker-runs the executor image and reads the digest from the mounted directory', async () => {
      const runner = fakeKaniko(true);
      const result = await buildWithKaniko(fullSpec({ extraArgs: [] }), {
        runner,
        tempDir: tmp,
        logger: silentLogger,
        executor: 'harbor.lab/ghcr/osscontainertools/kaniko:v1.28.3',
        fileExists: () => false,
      });
      expect(result.digest).toBe(DIGEST);
      expect(runner.calls.map((c) => [c.command, ...c.args.slice(0, 4)])).toEqual([
        ['docker', 'info', '--format', '{{.ServerVersion}}'],
        ['docker', 'run', '--rm', '-e', 'container=docker'],
      ]);
      expect(runner.calls[1]?.args).toContain('harbor.lab/ghcr/osscontainertools/kaniko:v1.28.3');
    });
  });
});
