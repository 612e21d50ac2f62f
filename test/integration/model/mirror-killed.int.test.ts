import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { directorySource, mirrorModel } from '@sovereign-ci/model';
import { RegistryClient } from '@sovereign-ci/oci';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { sha256sums, writeModel } from './generated-model';

const MiB = 1024 * 1024;
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mirror-child.ts');

/** Starts the mirror in a child process and SIGKILLs it once `after` files are reported done. */
function mirrorUntilKilled(job: object, after: number): Promise<{ done: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    const done: string[] = [];
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() as string;
      for (const line of lines) if (line.startsWith('done ')) done.push(line.slice(5));
      if (done.length >= after) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the mirror ended by itself (${code}): ${err}`));
      else resolve({ done, signal });
    });
  });
}

describe('mirror-model killed mid-way', () => {
  let reg: TestRegistry;
  let tmp: TempDir;

  beforeAll(async () => {
    reg = await startRegistry('plain');
    tmp = await tempDir('model-killed');
  });
  afterAll(async () => {
    await reg?.stop();
    await tmp?.cleanup();
  });

  describe('when the process is SIGKILLed during a large chunked upload and run again', () => {
    it('completes, sending only the files the killed run had not finished', async () => {
      const dir = path.join(tmp.path, 'model');
      await writeModel(dir, { 'model-00001-of-00002.safetensors': 200 * MiB, 'zz-last.safetensors': MiB });
      const sums = await sha256sums(dir);
      const repo = 'models/killed';
      const killed = await mirrorUntilKilled({ dir, registry: reg.host, repo, chunkMiB: 8 }, 4);
      expect(killed.done.length).toBeGreaterThanOrEqual(4);
      expect(killed.done).not.toContain('model-00001-of-00002.safetensors');
      await expect(
        skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/${repo}:v1`]),
      ).rejects.toThrow();

      const client = new RegistryClient();
      const again = await mirrorModel(await directorySource({ dir }), client.repository(reg.host, repo), {
        tag: 'v1',
        logger: silentLogger,
      });
      await client.close();
      const byStatus = (s: string) =>
        again.files
          .filter((f) => f.status === s)
          .map((f) => f.path)
          .sort();
      expect({ exists: byStatus('exists'), uploaded: byStatus('uploaded') }).toEqual({
        exists: [...killed.done].sort(),
        uploaded: Object.keys(sums)
          .filter((p) => !killed.done.includes(p))
          .sort(),
      });
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/${repo}:v1`,
      ]);
      const layers = (
        JSON.parse(stdout) as { layers: { digest: string; annotations: Record<string, string> }[] }
      ).layers;
      expect(
        Object.fromEntries(layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest])),
      ).toEqual(sums);
    });
  });
});
