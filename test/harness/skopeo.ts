import { execFile } from 'node:child_process';
import type { TestRegistry } from './registry';
import { requireTool } from './tools';

export interface SkopeoOptions {
  /** Milliseconds before skopeo is killed (default 120 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Run skopeo with a timeout; resolves with its output, rejects with its stderr on a non-zero
 * exit. `--insecure-policy` is added (the tests copy unsigned images between local registries).
 */
export function skopeo(
  args: string[],
  options: SkopeoOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  const binary = requireTool('skopeo');
  const env = options.env ?? process.env;
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      ['--insecure-policy', ...args],
      { timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, env, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) {
          const why = err.killed ? `timed out or was killed` : `exited with ${String(err.code)}`;
          reject(
            new Error(`skopeo ${args[0] ?? ''} ${why}: ${stderr.trim() || err.message}`, { cause: err }),
          );
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/**
 * Transport flags for one registry: `side` 'src' / 'dest' for `skopeo copy`
 * (--src-tls-verify, --src-cert-dir, --src-creds …), 'plain' for `skopeo inspect` and friends
 * (--tls-verify, --cert-dir, --creds).
 */
export function skopeoFlags(reg: TestRegistry, side: 'src' | 'dest' | 'plain'): string[] {
  const prefix = side === 'plain' ? '--' : `--${side}-`;
  const flags: string[] = [];
  if (reg.url.startsWith('https:')) {
    flags.push(`${prefix}tls-verify=true`);
    if (reg.certDir) flags.push(`${prefix}cert-dir=${reg.certDir}`);
  } else {
    flags.push(`${prefix}tls-verify=false`);
  }
  if (reg.username !== undefined && reg.password !== undefined) {
    flags.push(`${prefix}creds=${reg.username}:${reg.password}`);
  } else {
    flags.push(side === 'plain' ? '--no-creds' : `${prefix}no-creds`);
  }
  return flags;
}
