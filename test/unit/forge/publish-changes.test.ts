import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { ForeignCommitsError, ForgejoClient, publishChanges, type PublishOptions } from '@sovereign-ci/forge';
import { startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';

describe('publishChanges', () => {
  let fake: FakeForgejo;
  let client: ForgejoClient;
  const options = (content: string, extra: Partial<PublishOptions> = {}): PublishOptions => ({
    repo: { owner: 'team', repo: 'app' },
    branch: 'repin/base-digests',
    files: [{ path: 'Dockerfile', content: Buffer.from(content) }],
    message: 'Re-pin',
    trailer: 'Repinned-by: test',
    title: 'Re-pin',
    body: `body ${content}`,
    logger: silentLogger,
    ...extra,
  });
  beforeEach(async () => {
    fake = await startFakeForgejo();
    fake.addRepo('team', 'app', { Dockerfile: 'FROM a\n' }, 'trunk');
    fake.repo('team', 'app').addLabel('deps');
    fake.repo('team', 'app').addLabel('bot');
    client = new ForgejoClient({ apiUrl: fake.apiUrl, token: fake.token });
  });
  afterEach(async () => {
    await fake.stop();
    expect(fake.violations).toEqual([]);
  });

  describe('when there is nothing to publish', () => {
    it('makes no request at all', async () => {
      expect(await publishChanges(client, { ...options(''), files: [] })).toEqual({ action: 'none' });
      expect(fake.requests).toEqual([]);
    });
  });

  describe('when an old closed pull request used the same branch', () => {
    it('opens a new one off the default branch instead of reusing the closed one', async () => {
      const repo = fake.repo('team', 'app');
      await client.createBranch({ owner: 'team', repo: 'app' }, 'repin/base-digests', 'trunk');
      await client.createPull(
        { owner: 'team', repo: 'app' },
        { title: 'old', body: '', head: 'repin/base-digests', base: 'trunk' },
      );
      repo.pulls[0]!.state = 'closed';
      const result = await publishChanges(client, options('FROM a:1\n', { labels: ['deps'] }));
      expect([
        result.action,
        result.pull?.number,
        result.pull?.base,
        result.pull?.labels,
        repo.pulls.length,
      ]).toEqual(['created', 2, 'trunk', ['deps'], 2]);
    });
  });

  describe('when the branch was merged and the base moved on', () => {
    it('recreates the branch from the base before committing', async () => {
      await publishChanges(client, options('FROM a:1\n'));
      const repo = fake.repo('team', 'app');
      const merged = repo.commitOn(
        'trunk',
        'merge',
        { name: 'x', email: 'x@example.test', login: 'x' },
        {
          Dockerfile: Buffer.from('FROM a:1\n'),
          'other.txt': Buffer.from('new on trunk'),
        },
      );
      repo.branches.set('trunk', merged.sha);
      const branchHead = repo.head('repin/base-digests');
      repo.commits.set(branchHead.sha, { ...branchHead });
      repo.pulls[0]!.state = 'closed';
      // the branch's commit is now an ancestor of trunk (as after a merge)
      merged.parent = branchHead.sha;
      const result = await publishChanges(client, options('FROM a:2\n'));
      const head = repo.head('repin/base-digests');
      expect([result.action, head.parent, head.files.get('other.txt')?.toString()]).toEqual([
        'created',
        merged.sha,
        'new on trunk',
      ]);
    });
  });

  describe('when only the labels change', () => {
    it('updates the pull request without a commit', async () => {
      await publishChanges(client, options('FROM a:1\n', { labels: ['deps'] }));
      const head = fake.repo('team', 'app').branches.get('repin/base-digests');
      const result = await publishChanges(client, options('FROM a:1\n', { labels: ['deps', 'bot'] }));
      expect([
        result.action,
        result.commit,
        result.pull?.labels,
        fake.repo('team', 'app').branches.get('repin/base-digests'),
      ]).toEqual(['updated', undefined, ['bot', 'deps'], head]);
    });
  });

  describe('when someone labelled the pull request by hand', () => {
    it('keeps that label on the next run, also when no labels are asked for', async () => {
      const first = await publishChanges(client, options('FROM a:1\n', { labels: ['deps'] }));
      await client.updatePull({ owner: 'team', repo: 'app' }, first.pull!.number, {
        labels: ['deps', 'bot'],
      });
      const second = await publishChanges(client, options('FROM a:2\n', { labels: ['deps'] }));
      const third = await publishChanges(client, options('FROM a:3\n'));
      expect([second.action, second.pull?.labels, third.action, third.pull?.labels]).toEqual([
        'updated',
        ['bot', 'deps'],
        'updated',
        ['bot', 'deps'],
      ]);
    });
  });

  describe('when someone else committed to the branch', () => {
    it('refuses with ForeignCommitsError naming the commit', async () => {
      await publishChanges(client, options('FROM a:1\n'));
      const foreign = fake.pushCommit('team', 'app', 'repin/base-digests', { x: 'y' }, 'manual', 'alice');
      const error = await publishChanges(client, options('FROM a:2\n')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForeignCommitsError);
      expect((error as ForeignCommitsError).commits).toEqual([
        { sha: foreign.sha, message: 'manual', author: 'alice' },
      ]);
    });
  });
});
