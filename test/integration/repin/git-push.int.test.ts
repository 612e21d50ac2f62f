import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForeignCommitsError, gitPushChanges, type GitPushOptions } from '@sovereign-ci/forge';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';

const exec = promisify(execFile);

describe('gitPushChanges', () => {
  let tmp: TempDir;
  let git: string;
  let origin: string;
  let clone: string;
  const run = async (cwd: string, ...args: string[]): Promise<string> =>
    (
      await exec(git, args, {
        cwd,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'alice',
          GIT_AUTHOR_EMAIL: 'a@example.test',
          GIT_COMMITTER_NAME: 'alice',
          GIT_COMMITTER_EMAIL: 'a@example.test',
        },
      })
    ).stdout.trim();
  const options = (content: string): GitPushOptions => ({
    cwd: clone,
    branch: 'repin/base-digests',
    base: 'main',
    files: [{ path: 'Dockerfile', content: Buffer.from(content) }],
    message: 'Re-pin',
    trailer: 'Repinned-by: test',
    author: { name: 'repin', email: 'repin@example.test' },
    git,
  });

  beforeAll(async () => {
    git = requireTool('git');
    tmp = await tempDir('repin-git');
    origin = path.join(tmp.path, 'origin.git');
    clone = path.join(tmp.path, 'clone');
    await run(tmp.path, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
    await run(tmp.path, 'clone', '--quiet', origin, clone);
    await writeFile(path.join(clone, 'Dockerfile'), 'FROM a\n');
    await writeFile(path.join(clone, 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(clone, 'run.sh'), 0o755);
    await run(clone, 'add', '.');
    await run(clone, 'commit', '--quiet', '-m', 'initial');
    await run(clone, 'push', '--quiet', 'origin', 'HEAD:main');
  });
  afterAll(() => tmp?.cleanup());

  describe('when run three times and then after a foreign push', () => {
    it('creates the branch, adds a commit only when content changes, and refuses a foreign commit', async () => {
      const headBefore = await run(clone, 'rev-parse', 'HEAD');
      const first = await gitPushChanges(options('FROM a:1@sha256:1\n'));
      const shown = await run(origin, 'show', 'repin/base-digests:Dockerfile');
      const message = await run(origin, 'log', '-1', '--format=%an|%B', 'repin/base-digests');
      const mode = await run(origin, 'ls-tree', 'repin/base-digests', 'run.sh');
      expect([first.created, shown, message, mode.split(' ')[0]]).toEqual([
        true,
        'FROM a:1@sha256:1',
        'repin|Re-pin\n\nRepinned-by: test',
        '100755',
      ]);
      expect(await run(origin, 'rev-parse', 'repin/base-digests')).toBe(first.commit);

      const same = await gitPushChanges(options('FROM a:1@sha256:1\n'));
      const second = await gitPushChanges(options('FROM a:1@sha256:2\n'));
      const parents = await run(origin, 'log', '--format=%H', 'main..repin/base-digests');
      expect([same, second.created, parents.split('\n')]).toEqual([
        { created: false },
        false,
        [second.commit, first.commit],
      ]);
      // the clone's work tree, index and HEAD are untouched
      expect([await run(clone, 'rev-parse', 'HEAD'), await run(clone, 'status', '--porcelain')]).toEqual([
        headBefore,
        '',
      ]);

      const other = path.join(tmp.path, 'other');
      await run(tmp.path, 'clone', '--quiet', '--branch', 'repin/base-digests', origin, other);
      await writeFile(path.join(other, 'NOTES'), 'mine\n');
      await run(other, 'add', '.');
      await run(other, 'commit', '--quiet', '-m', 'a human fix');
      await run(other, 'push', '--quiet', 'origin', 'HEAD:repin/base-digests');
      const foreignHead = await run(origin, 'rev-parse', 'repin/base-digests');
      const error = await gitPushChanges(options('FROM a:1@sha256:3\n')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignCommitsError);
      expect((error as ForeignCommitsError).commits.map((c) => [c.sha, c.author])).toEqual([
        [foreignHead, 'alice'],
      ]);
      expect(await run(origin, 'rev-parse', 'repin/base-digests')).toBe(foreignHead);
    });
  });
});
