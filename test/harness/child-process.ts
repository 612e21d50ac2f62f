import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A long-running child the harness owns: output kept in memory, killed on stop and on exit. */
export interface ManagedChild {
  pid: number;
  /** Everything the child wrote to stdout and stderr so far (the last few MiB). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
  isRunning(): boolean;
  stop(): Promise<void>;
}

const MAX_OUTPUT = 4 * 1024 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/**
 * A tiny shell loop that kills `pid` once this process is gone, so the child never outlives
 * the test process even when that one is killed with SIGKILL (and then removes `cleanupDir`).
 * It ends by itself when the child ends.
 */
function startWatchdog(pid: number, cleanupDir: string | undefined): ChildProcess {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'if ! kill -0 "$1" 2>/dev/null; then kill -9 "$2" 2>/dev/null; [ -n "$3" ] && rm -rf "$3"; fi; exit 0';
  const args = ['-c', script, 'watchdog', String(process.pid), String(pid), cleanupDir ?? ''];
  const watchdog = spawn('/bin/sh', args, {
    stdio: 'ignore',
    detached: true,
  });
  watchdog.unref();
  return watchdog;
}

export function spawnManaged(
  command: string,
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Removed by the watchdog if this process dies without stopping the child. */
    cleanupDir?: string;
  } = {},
): ManagedChild {
  installExitHook();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  const append = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    if (buffer.length > MAX_OUTPUT) buffer = buffer.slice(buffer.length - MAX_OUTPUT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let running = true;
  live.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => {
      append(Buffer.from(`\nspawn error: ${err.message}\n`));
      running = false;
      live.delete(child);
      resolve(`error: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      running = false;
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const watchdog = child.pid !== undefined ? startWatchdog(child.pid, options.cleanupDir) : undefined;
  return {
    pid: child.pid ?? -1,
    output: () => buffer,
    exited,
    isRunning: () => running,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      try {
        watchdog?.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
