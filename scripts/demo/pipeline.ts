import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestRegistry } from '../../test/harness/registry';
import { requireTool } from '../../test/harness/tools';
import { writeBuildContext, writeModel, writeRepinRepository } from './sample-inputs';
import { runAction, timed, type StepResult } from './step-runner';

export interface PipelineContext {
  repoRoot: string;
  fixtures: string;
  /** A private directory for everything the pipeline writes. */
  work: string;
  /** Token auth, like Harbor. */
  harbor: TestRegistry;
  /** Basic auth, like Forgejo's registry. */
  forgejo: TestRegistry;
}

export interface PipelineOutcome {
  results: StepResult[];
  digest: string;
  refs: string[];
  destinations: string[];
  publicKey: string;
}

/**
 * Every action's committed bundle, run through `sovereign-ci run` as a runner would, in the order of a
 * push to main plus the scheduled and on-demand jobs. Throws DemoStepError naming the failed step.
 */
export async function runPipeline(
  ctx: PipelineContext,
  results: StepResult[] = [],
): Promise<PipelineOutcome> {
  const { repoRoot, fixtures, work, harbor, forgejo } = ctx;
  const env = await pipelineEnv(work);
  await timed(results, 'login harbor', async () => {
    await runAction(
      repoRoot,
      'login',
      { registry: harbor.host, username: harbor.username!, password: harbor.password!, logout: 'false' },
      env,
    );
    return `${harbor.host} written to $DOCKER_CONFIG/config.json`;
  });
  await timed(results, 'login forgejo', async () => {
    await runAction(
      repoRoot,
      'login',
      { registry: forgejo.host, username: forgejo.username!, password: forgejo.password!, logout: 'false' },
      env,
    );
    return `${forgejo.host} added beside it`;
  });

  const context = path.join(work, 'context');
  await writeBuildContext(context, requireTool('busybox'));
  let digest = '';
  let refs: string[] = [];
  await timed(results, 'build-push (buildah, 2 registries)', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'build-push',
      {
        context,
        builder: 'buildah',
        images: `${harbor.host}/demo/app\n${forgejo.host}/demo/app`,
        tags: 'type=raw,value=demo\ntype=sha',
      },
      env,
    );
    digest = outputs.digest ?? '';
    refs = (outputs['image-refs'] ?? '').split('\n').filter(Boolean);
    return `${digest} in ${refs.length} registries`;
  });

  const keyDir = path.join(work, 'keys');
  await timed(results, 'generate-key-pair', async () => {
    await mkdir(keyDir, { recursive: true });
    await runCli(repoRoot, ['generate-key-pair', '--output-key-prefix', path.join(keyDir, 'cosign')], {
      ...env,
      COSIGN_PASSWORD: 'demo-password',
    });
    return 'cosign.key + cosign.pub';
  });
  const key = await readFile(path.join(keyDir, 'cosign.key'), 'utf8');
  const publicKey = await readFile(path.join(keyDir, 'cosign.pub'), 'utf8');
  await timed(results, 'sign', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'sign',
      { images: refs.join('\n'), key, password: 'demo-password' },
      env,
    );
    return `${JSON.parse(outputs.signatures ?? '[]').length} signatures written`;
  });
  await timed(results, 'verify', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'verify',
      { images: refs.join('\n'), 'public-keys': publicKey },
      env,
    );
    return `verified ${(outputs.verified ?? '').split('\n').filter(Boolean).length} images`;
  });

  await timed(results, 'trivy-gate', async () => {
    const report = path.join(fixtures, 'trivy', 'reports', 'alpine-310.json');
    const { outputs } = await runAction(
      repoRoot,
      'trivy-gate',
      { source: 'report', report, severity: 'CRITICAL,HIGH' },
      env,
    );
    return `passed=${outputs.passed} (Trivy's alpine-310 report: 4 MEDIUM, none blocking)`;
  });

  const destinations = [path.join(work, 'vm-disk'), path.join(work, 'nas')];
  for (const destination of destinations) await mkdir(destination);
  await timed(results, 'breakglass-save (2 destinations)', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'breakglass-save',
      { image: refs[0] ?? '', destinations: destinations.join('\n') },
      env,
    );
    return `${JSON.parse(outputs.archives ?? '[]').length} archives, ${outputs.bytes} bytes`;
  });

  const model = path.join(work, 'model');
  await writeModel(model);
  let modelRef = '';
  await timed(results, 'mirror-model', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'mirror-model',
      { source: model, destination: `${forgejo.host}/demo/model:v1` },
      env,
    );
    modelRef = outputs.reference ?? '';
    return `${outputs.files} files, ${outputs['uploaded-bytes']} bytes uploaded -> ${modelRef}`;
  });
  const pulled = path.join(work, 'pulled-model');
  await timed(results, 'pull-model', async () => {
    const { outputs } = await runAction(repoRoot, 'pull-model', { reference: modelRef, path: pulled }, env);
    const a = await readFile(path.join(model, 'weights', 'model-00001-of-00001.safetensors'));
    const b = await readFile(path.join(pulled, 'weights', 'model-00001-of-00001.safetensors'));
    if (sha256(a) !== sha256(b)) throw new Error('pulled weights differ from the original');
    return `${outputs.files} files, identical to the source`;
  });

  const sample = path.join(work, 'sample-repo');
  await writeRepinRepository(sample, `${forgejo.host}/demo/app:demo`);
  await timed(results, 'repin (dry run)', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'repin',
      { 'working-directory': sample, 'dry-run': 'true', 'pull-request': 'false' },
      { ...env, GITHUB_WORKSPACE: sample },
    );
    return `${JSON.parse(outputs.changes ?? '[]').length} references would be pinned to ${digest.slice(0, 19)}…`;
  });

  await timed(results, 'registry-probe', async () => {
    const { outputs } = await runAction(
      repoRoot,
      'registry-probe',
      { registry: harbor.host, blobs: 'true' },
      env,
    );
    return `checked ${outputs.checked}, broken ${JSON.parse(outputs.broken ?? '[]').length}`;
  });
  return { results, digest, refs, destinations, publicKey };
}

/** DOCKER_CONFIG, RUNNER_TEMP and Buildah's storage inside the work directory, so nothing is left behind. */
async function pipelineEnv(work: string): Promise<Record<string, string>> {
  const storage = path.join(work, 'containers-storage.conf');
  await writeFile(
    storage,
    `[storage]\ndriver = "vfs"\ngraphroot = "${path.join(work, 'buildah', 'root')}"\nrunroot = "${path.join(work, 'buildah', 'run')}"\n`,
  );
  const runnerTemp = path.join(work, 'runner-temp');
  await mkdir(runnerTemp, { recursive: true });
  return {
    DOCKER_CONFIG: path.join(work, 'docker'),
    GITHUB_WORKSPACE: work,
    RUNNER_TEMP: runnerTemp,
    CONTAINERS_STORAGE_CONF: storage,
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function runCli(repoRoot: string, args: string[], env: Record<string, string>): Promise<void> {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli', 'index.js'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`sovereign-ci ${args[0]}: ${result.stderr.trim()}`);
}
