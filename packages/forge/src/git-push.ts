import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ForeignCommitsError } from './forge-error';
import type { CommitInfo, Identity } from './types';

export interface GitPushOptions {
  /** A clone of the repository (the workspace). Its work tree, index and HEAD are never touched. */
  cwd: string;
  remote?: string;
  branch: string;
  base: string;
  files: { path: string; content: Buffer }[];
  message: string;
  trailer: string;
  author?: Identity;
  /** The git binary (default `git` on PATH). */
  git?: string;
  env?: Record<string, string | undefined>;
}

export interface GitPushResult {
  /** The pushed commit; absent when the branch already had these contents. */
  commit?: string;
  /** The branch was created, or recreated from the base (it had nothing of its own). */
  created: boolean;
}

const LOCAL = 'refs/sovereign-ci';

/**
 * Commits the files on `branch` with git plumbing (a private index, `commit-tree`) and pushes it without
 * force: on top of the remote branch when it has commits of its own, else on top of the base (with a
 * lease, so a branch someone moved meanwhile is never overwritten). Commits without `trailer` on the
 * branch are refused.
 */
export async function gitPushChanges(o: GitPushOptions): Promise<GitPushResult> {
  const remote = o.remote ?? 'origin';
  const indexDir = await mkdtemp(path.join(os.tmpdir(), 'sovereign-ci-git-'));
  const env: Record<string, string | undefined> = {
    ...(o.env ?? process.env),
    GIT_INDEX_FILE: path.join(indexDir, 'index'),
    GIT_TERMINAL_PROMPT: '0',
  };
  if (o.author) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = o.author.name;
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = o.author.email;
  }
  const git = (args: string[], input?: Buffer | string): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = execFile(
        o.git ?? 'git',
        args,
        { cwd: o.cwd, env, maxBuffer: 64 << 20, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`git ${args[0] ?? ''} failed: ${stderr.trim() || err.message}`));
          else resolve(stdout);
        },
      );
      child.stdin?.end(input);
    });
  try {
    const remoteHead =
      (await git(['ls-remote', '--heads', remote, `refs/heads/${o.branch}`])).split(/\s/)[0] ?? '';
    await git([
      'fetch',
      '--quiet',
      '--no-tags',
      remote,
      `+refs/heads/${o.base}:${LOCAL}/base`,
      ...(remoteHead ? [`+refs/heads/${o.branch}:${LOCAL}/branch`] : []),
    ]);
    let parent = `${LOCAL}/base`;
    if (remoteHead) {
      const log = await git(['log', '--format=%H%x1f%an%x1f%B%x1e', `${LOCAL}/base..${LOCAL}/branch`]);
      const ahead: CommitInfo[] = log
        .split('\x1e')
        .map((r) => r.trim())
        .filter(Boolean)
        .map((r) => {
          const [sha = '', author = '', message = ''] = r.split('\x1f');
          return { sha, author, message };
        });
      const foreign = ahead.filter((c) => !c.message.includes(o.trailer));
      if (foreign.length > 0) throw new ForeignCommitsError(o.branch, foreign);
      if (ahead.length > 0) parent = `${LOCAL}/branch`;
    }
    const parentSha = (await git(['rev-parse', parent])).trim();
    await git(['read-tree', parentSha]);
    for (const file of o.files) {
      const blob = (await git(['hash-object', '-w', '--stdin'], file.content)).trim();
      const mode = (await git(['ls-tree', parentSha, '--', file.path])).split(' ')[0] || '100644';
      await git(['update-index', '--add', '--cacheinfo', `${mode},${blob},${file.path}`]);
    }
    const tree = (await git(['write-tree'])).trim();
    const parentTree = (await git(['rev-parse', `${parentSha}^{tree}`])).trim();
    if (tree === parentTree) return { created: false };
    const commit = (
      await git(['commit-tree', tree, '-p', parentSha, '-F', '-'], `${o.message}\n\n${o.trailer}\n`)
    ).trim();
    await git([
      'push',
      '--quiet',
      `--force-with-lease=refs/heads/${o.branch}:${remoteHead}`,
      remote,
      `${commit}:refs/heads/${o.branch}`,
    ]);
    return { commit, created: parent !== `${LOCAL}/branch` };
  } finally {
    await git(['update-ref', '-d', `${LOCAL}/base`]).catch(() => undefined);
    await git(['update-ref', '-d', `${LOCAL}/branch`]).catch(() => undefined);
    await rm(indexDir, { recursive: true, force: true });
  }
}
