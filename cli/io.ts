import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything a command touches outside itself, so tests can hand in their own. */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The repository root: the directory holding `actions/` and `dist/`. */
  root: string;
}

/** The first directory at or above `start` whose package.json is named `sovereign-ci`. */
export function findRepoRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (name === 'sovereign-ci') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The real process: the root is found from where this file lives (dist/cli/ or cli/). */
export function processIo(moduleUrl: string): CliIo {
  const here = path.dirname(realpathSync(fileURLToPath(moduleUrl)));
  const root = process.env.SOVEREIGN_CI_ROOT ?? findRepoRoot(here) ?? process.cwd();
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    root,
  };
}
