import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../harness/fixtures';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx cli/main.ts`, with tsx resolved from the repository (any cwd works). */
export const sourceCli = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  path.join(repoRoot, 'cli', 'main.ts'),
];

/** Runs the CLI (`prefix` = node arguments before the CLI's own) and waits for it. */
export function runCli(
  prefix: string[],
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliRun {
  const result = spawnSync(process.execPath, [...prefix, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
