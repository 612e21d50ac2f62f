import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineOutcome } from '../../../scripts/demo/pipeline';
import { fixturePath, repoRoot } from '../../harness/fixtures';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { requireTool } from '../../harness/tools';

const run = promisify(execFile);
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Every action's committed bundle (dist/), run through `sovereign-ci run` exactly as a runner runs it,
 * then checked with independent tools: skopeo, openssl, sha256sum.
 */
describe('the pipeline through the committed bundles', () => {
  let work: string;
  let harbor: TestRegistry;
  let forgejo: TestRegistry;
  let outcome: PipelineOutcome;

  beforeAll(async () => {
    for (const tool of ['skopeo', 'buildah', 'openssl', 'sha256sum', 'busybox']) requireTool(tool);
    if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'index.js'))) {
      throw new Error('dist/ is missing: run npm run bundle (CI checks the committed bundles)');
    }
    work = await mkdtemp(path.join(os.tmpdir(), 'sovereign-ci-pipeline-'));
    harbor = await startRegistry('token');
    forgejo = await startRegistry('basic');
    outcome = await runPipeline({ repoRoot, fixtures: fixturePath(), work, harbor, forgejo });
  }, 300_000);
  afterAll(async () => {
    await harbor?.stop();
    await forgejo?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs every step', () => {
    expect(outcome.results.filter((r) => !r.ok)).toEqual([]);
    expect(outcome.results.map((r) => r.step)).toEqual([
      'login harbor',
      'login forgejo',
      'build-push (buildah, 2 registries)',
      'generate-key-pair',
      'sign',
      'verify',
      'trivy-gate',
      'breakglass-save (2 destinations)',
      'mirror-model',
      'pull-model',
      'repin (dry run)',
      'registry-probe',
    ]);
  });

  it('pushed one digest to both registries', async () => {
    const found = [];
    for (const [registry, ref] of [
      [harbor, outcome.refs[0]],
      [forgejo, outcome.refs[1]],
    ] as const) {
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(registry, 'plain'),
        `docker://${ref}`,
      ]);
      found.push(sha256(Buffer.from(stdout.trim())));
    }
    expect(found).toEqual([outcome.digest, outcome.digest]);
  });

  it('wrote a cosign signature that openssl verifies with the public key', async () => {
    const layout = path.join(work, 'sig-layout');
    const sigRef = `${outcome.refs[1]!.split('@')[0]}:sha256-${outcome.digest.slice(7)}.sig`;
    await skopeo(['copy', ...skopeoFlags(forgejo, 'src'), `docker://${sigRef}`, `oci:${layout}:sig`]);
    const index = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8'));
    const manifestDigest = index.manifests[0].digest.slice(7);
    const manifest = JSON.parse(await readFile(path.join(layout, 'blobs', 'sha256', manifestDigest), 'utf8'));
    const layer = manifest.layers[0];
    const payloadFile = path.join(layout, 'blobs', 'sha256', layer.digest.slice(7));
    const payload = JSON.parse(await readFile(payloadFile, 'utf8'));
    expect(payload.critical.image['docker-manifest-digest']).toBe(outcome.digest);
    const signature = path.join(work, 'sig.der');
    await writeFile(
      signature,
      Buffer.from(layer.annotations['dev.cosignproject.cosign/signature'], 'base64'),
    );
    const publicKey = path.join(work, 'cosign.pub');
    await writeFile(publicKey, outcome.publicKey);
    const { stdout } = await run('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      publicKey,
      '-signature',
      signature,
      payloadFile,
    ]);
    expect(stdout.trim()).toBe('Verified OK');
  });

  it('saved archives that sha256sum checks and skopeo restores to the same image', async () => {
    for (const destination of outcome.destinations) {
      const files = (await readdir(destination)).sort();
      expect(files).toContain('latest');
      const { stdout } = await run('sha256sum', ['-c', ...files.filter((f) => f.endsWith('.sha256'))], {
        cwd: destination,
      });
      expect(stdout).toMatch(/: OK$/m);
    }
    const restored = `${harbor.host}/demo/restored:latest`;
    await skopeo([
      'copy',
      ...skopeoFlags(harbor, 'dest'),
      `docker-archive:${path.join(outcome.destinations[1]!, 'latest')}`,
      `docker://${restored}`,
    ]);
    const config = async (ref: string) => {
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(harbor, 'plain'),
        `docker://${ref}`,
      ]);
      return JSON.parse(stdout).config.digest as string;
    };
    expect(await config(restored)).toBe(await config(outcome.refs[0]!));
  });
});
