import { spawn } from 'node:child_process';
import path from 'node:path';

export interface StepResult {
  step: string;
  ok: boolean;
  keyOutput: string;
  ms: number;
  error?: string;
}

export interface ActionRun {
  outputs: Record<string, string>;
  log: string;
}

/** Runs one action's committed bundle through `sovereign-ci run`, exactly as a runner would. */
export function runAction(
  repoRoot: string,
  action: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<ActionRun> {
  const args = [path.join(repoRoot, 'dist', 'cli', 'index.js'), 'run', action, '--json'];
  for (const [name, value] of Object.entries(inputs)) args.push('--with', `${name}=${value}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: env.GITHUB_WORKSPACE ?? repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '{}';
      if (code !== 0) {
        const failure = log.split('\n').find((line) => line.startsWith('::error::'));
        reject(
          new Error(
            failure
              ? unescapeCommand(failure.slice('::error::'.length))
              : `exit code ${code}\n${log.slice(-2000)}`,
          ),
        );
        return;
      }
      try {
        resolve({ outputs: JSON.parse(last) as Record<string, string>, log });
      } catch {
        reject(new Error(`no outputs JSON on the last line of stdout: ${last.slice(0, 200)}`));
      }
    });
  });
}

/** Undoes the workflow-command escaping of a `::error::` message. */
function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** Times a step; a failure is recorded (and stops the demo) with the step's name and why. */
export async function timed(results: StepResult[], step: string, fn: () => Promise<string>): Promise<void> {
  const started = Date.now();
  try {
    const keyOutput = await fn();
    results.push({ step, ok: true, keyOutput, ms: Date.now() - started });
    console.log(`✔ ${step}: ${keyOutput} (${Date.now() - started} ms)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ step, ok: false, keyOutput: '', ms: Date.now() - started, error: message });
    console.log(`✘ ${step}: ${message}`);
    throw new DemoStepError(step, message);
  }
}

export class DemoStepError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`step '${step}' failed: ${message}`);
  }
}
