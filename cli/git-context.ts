import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** What a runner would know about the repository the job runs in. */
export interface GitContext {
  sha: string;
  ref: string;
  refName: string;
  refType: 'branch' | 'tag';
  /** owner/name */
  repository: string;
  serverUrl: string;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', ['-C', cwd, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `https://host/owner/name(.git)`, `git@host:owner/name.git`, `ssh://git@host:22/owner/name` -> server and repo. */
export function parseRemoteUrl(url: string): { serverUrl: string; repository: string } | undefined {
  const scp = /^[^@/]+@([^:/]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(url);
  if (scp) return { serverUrl: `https://${scp[1]}`, repository: scp[2] ?? '' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const repository = parsed.pathname
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  if (!repository.includes('/')) return undefined;
  const web = parsed.protocol === 'http:' || parsed.protocol === 'https:';
  return { serverUrl: web ? `${parsed.protocol}//${parsed.host}` : `https://${parsed.hostname}`, repository };
}

/** Reads the context from the git checkout at `cwd`, with plausible values where git has none. */
export function readGitContext(cwd: string): GitContext {
  const top = git(cwd, ['rev-parse', '--show-toplevel']) ?? cwd;
  const sha = git(cwd, ['rev-parse', '--verify', '-q', 'HEAD']) ?? '0'.repeat(40);
  const branch = git(cwd, ['symbolic-ref', '-q', 'HEAD']);
  const tag = branch ? undefined : git(cwd, ['describe', '--tags', '--exact-match', 'HEAD']);
  const ref = branch ?? (tag ? `refs/tags/${tag}` : 'refs/heads/main');
  const remote = git(cwd, ['config', '--get', 'remote.origin.url']);
  const parsed = remote ? parseRemoteUrl(remote) : undefined;
  return {
    sha,
    ref,
    refName: ref.replace(/^refs\/(heads|tags)\//, ''),
    refType: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository: parsed?.repository ?? `local/${path.basename(top)}`,
    serverUrl: parsed?.serverUrl ?? 'http://localhost',
  };
}
