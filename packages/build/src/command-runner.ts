import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';

export interface CommandOptions {
  cwd?: string;
  /** Added to the runner's environment. */
  env?: Record<string, string>;
  /** Keep stdout/stderr quiet in the log (probes such as `docker info`). */
  silent?: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How the builders start programs; tests inject a recording fake and assert the argv. */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

const MAX_CAPTURE = 1024 * 1024;

/** Runs programs with node:child_process (no shell), streaming their output line by line to the logger. */
export function nodeCommandRunner(
  logger: Logger,
  baseEnv: Record<string, string | undefined>,
): CommandRunner {
  return {
    run(command, args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(command, [...args], {
          cwd: options.cwd,
          env: { ...baseEnv, ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const captured = { stdout: '', stderr: '' };
        const pending = { stdout: '', stderr: '' };
        const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          if (captured[stream].length < MAX_CAPTURE) captured[stream] += text;
          if (options.silent) return;
          const lines = (pending[stream] + text).split('\n');
          pending[stream] = lines.pop() ?? '';
          for (const line of lines) logger.info(line);
        };
        child.stdout.on('data', onData('stdout'));
        child.stderr.on('data', onData('stderr'));
        child.on('error', reject);
        child.on('close', (code, signal) => {
          if (!options.silent)
            for (const rest of [pending.stdout, pending.stderr]) if (rest) logger.info(rest);
          resolve({ exitCode: code ?? (signal ? 128 : 1), ...captured });
        });
      });
    },
  };
}

export class CommandError extends Error {
  readonly code = 'COMMAND';
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`${command} exited with code ${exitCode}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Runs and throws CommandError on a non-zero exit. */
export async function runChecked(
  runner: CommandRunner,
  command: string,
  args: readonly string[],
  options?: CommandOptions,
): Promise<CommandResult> {
  const result = await runner.run(command, args, options);
  if (result.exitCode !== 0) {
    const subcommand = args.find((arg) => !arg.startsWith('-')) ?? '';
    throw new CommandError(`${path.basename(command)} ${subcommand}`.trim(), result.exitCode, result.stderr);
  }
  return result;
}
