import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { textTable } from '@sovereign-ci/action-kit';
import { startRegistry, type TestRegistry } from '../../test/harness/registry';
import { runPipeline } from './pipeline';
import { DemoStepError, type StepResult } from './step-runner';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = process.env.SOVEREIGN_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');

async function main(): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'sovereign-ci-demo-'));
  const registries: TestRegistry[] = [];
  const results: StepResult[] = [];
  const deadline = setTimeout(() => {
    console.error('demo: over 10 minutes, stopping');
    process.exit(1);
  }, 600_000);
  try {
    const harbor = await startRegistry('token');
    const forgejo = await startRegistry('basic');
    registries.push(harbor, forgejo);
    console.log(
      `registries: ${harbor.host} (token auth, like Harbor), ${forgejo.host} (basic auth, like Forgejo)`,
    );
    await runPipeline({ repoRoot, fixtures, work, harbor, forgejo }, results);
    return 0;
  } catch (error) {
    if (!(error instanceof DemoStepError))
      console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    clearTimeout(deadline);
    const rows = results.map((r) => [
      r.step,
      r.ok ? 'ok' : 'FAILED',
      r.ok ? r.keyOutput : ((r.error ?? '').split('\n')[0] ?? ''),
      `${r.ms} ms`,
    ]);
    console.log(`\n${textTable(['step', 'result', 'key output', 'time'], rows)}`);
    await Promise.all(registries.map((r) => r.stop()));
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
