import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Masker } from './masker';
import { MaskingLineWriter } from './masker';

export interface StepOptions {
  script: string;
  env: Record<string, string>;
  cwd: string;
  masker: Masker;
  /** Where the step's stdout and stderr go, masked, line by line. */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The node binary; a runner uses its (or the job image's) own node. */
  node?: string;
}

/** Runs `node <script>` as a runner runs an action step; resolves to the exit code. */
export function runStep(options: StepOptions): Promise<number> {
  const debug = options.env.RUNNER_DEBUG === '1' || options.env.ACTIONS_STEP_DEBUG === 'true';
  const out = new MaskingLineWriter(options.masker, options.stdout, debug);
  const err = new MaskingLineWriter(options.masker, options.stderr, debug);
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [options.script], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (constants.signals[signal] ?? 1) : 1));
    });
  });
}
