import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, ForgejoClient, ForgejoPackages } from '@sovereign-ci/forge';
import { blobSha, startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';

const repo = { owner: 'team', repo: 'app' };

describe('ForgejoClient', () => {
  let fake: FakeForgejo;
  let client: ForgejoClient;
  beforeEach(async () => {
    fake = await startFakeForgejo();
    fake.addRepo('team', 'app', { Dockerfile: 'FROM alpine:3\n', 'sub/compose.yaml': 'services: {}\n' });
    client = new ForgejoClient({ apiUrl: fake.apiUrl, token: fake.token, pageSize: 2 });
  });
  afterEach(async () => {
    await fake.stop();
    expect(fake.violations).toEqual([]);
  });

  describe('when reading a repository', () => {
    it('returns the default branch, branches and file contents with their blob sha', async () => {
      const info = await client.getRepository(repo);
      const main = await client.getBranch(repo, 'main');
      const missing = await client.getBranch(repo, 'nope/branch');
      const file = await client.getFile(repo, 'sub/compose.yaml', 'main');
      const absent = await client.getFile(repo, 'nope', 'main');
      expect({ info, main, missing, file, absent }).toEqual({
        info: { fullName: 'team/app', defaultBranch: 'main', htmlUrl: `${fake.url}/team/app` },
        main: { name: 'main', sha: fake.repo('team', 'app').branches.get('main') },
        missing: undefined,
        file: {
          path: 'sub/compose.yaml',
          sha: blobSha(Buffer.from('services: {}\n')),
          content: Buffer.from('services: {}\n'),
        },
        absent: undefined,
      });
    });
  });

  describe('when committing files on a new branch', () => {
    it('creates the branch and makes one commit with every file', async () => {
      await client.createBranch(repo, 'repin/base-digests', 'main');
      const dockerfile = await client.getFile(repo, 'Dockerfile', 'repin/base-digests');
      const { sha } = await client.commitFiles(repo, {
        branch: 'repin/base-digests',
        message: 'pin',
        files: [
          {
            path: 'Dockerfile',
            content: Buffer.from('FROM alpine:3@sha256:x\n'),
            sha: dockerfile?.sha ?? '',
          },
          { path: 'new/Containerfile', content: Buffer.from('FROM debian\n') },
        ],
      });
      const r = fake.repo('team', 'app');
      const commits = await client.compareCommits(repo, 'main', 'repin/base-digests');
      expect({
        head: r.branches.get('repin/base-digests'),
        files: Object.fromEntries([...r.head('repin/base-digests').files].map(([p, c]) => [p, c.toString()])),
        commits,
      }).toEqual({
        head: sha,
        files: {
          Dockerfile: 'FROM alpine:3@sha256:x\n',
          'sub/compose.yaml': 'services: {}\n',
          'new/Containerfile': 'FROM debian\n',
        },
        commits: [{ sha, message: 'pin', author: 'repin-bot' }],
      });
    });

    it('sends the author and committer identity the swagger defines', async () => {
      await client.createBranch(repo, 'b', 'main');
      await client.commitFiles(repo, {
        branch: 'b',
        message: 'with author',
        files: [{ path: 'x.txt', content: Buffer.from('x') }],
        author: { name: 'Repin Bot', email: 'repin@example.test' },
      });
      expect(fake.repo('team', 'app').head('b').author).toEqual({
        name: 'Repin Bot',
        email: 'repin@example.test',
        login: 'repin-bot',
      });
    });

    it('fails with the API message when the file sha is stale', async () => {
      await client.createBranch(repo, 'b', 'main');
      const err = await client
        .commitFiles(repo, {
          branch: 'b',
          message: 'x',
          files: [{ path: 'Dockerfile', content: Buffer.from('x'), sha: '0'.repeat(40) }],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForgeError);
      expect((err as ForgeError).status).toBe(422);
    });
  });

  describe('when listing pull requests', () => {
    it('pages through every open pull and filters by head branch', async () => {
      for (const b of ['a', 'b', 'c', 'repin']) await client.createBranch(repo, b, 'main');
      fake.repo('team', 'app').addLabel('dependencies');
      const label = fake.repo('team', 'app').addLabel('automated');
      for (const b of ['a', 'b', 'c'])
        await client.createPull(repo, { title: b, body: '', head: b, base: 'main' });
      const closed = await client.createPull(repo, { title: 'old', body: '', head: 'repin', base: 'main' });
      await client.http.json('PATCH', `/repos/team/app/pulls/${closed.number}`, {
        body: { state: 'closed' },
      });
      const open = await client.createPull(repo, {
        title: 'repin',
        body: 'x',
        head: 'repin',
        base: 'main',
        labels: ['automated'],
      });
      // Same branch name, but in a fork: never ours.
      for (const headRepo of ['someone/app']) {
        const fake_ = fake.repo('team', 'app');
        fake_.pulls.push({
          ...fake_.pulls.at(-1)!,
          id: 900 + fake_.pulls.length,
          number: 900 + fake_.pulls.length,
          headRepo,
        });
      }
      const all = await client.listOpenPulls(repo);
      const mine = await client.listOpenPulls(repo, { head: 'repin' });
      expect({ all: all.map((p) => p.head).sort(), mine }).toEqual({
        all: ['a', 'b', 'c', 'repin', 'repin'],
        mine: [{ ...open, url: `${fake.url}/team/app/pulls/${open.number}` }],
      });
      expect(open.labels).toEqual(['automated']);
      expect(fake.repo('team', 'app').pulls.find((p) => p.number === open.number)?.labels).toEqual([
        label.id,
      ]);
      // 5 open pulls, 2 per page: X-Total-Count ends each listing after page 3
      expect(
        fake.requests
          .filter((r) => r.operationId === 'repoListPullRequests')
          .map((r) => r.path)
          .slice(0, 2),
      ).toEqual([
        '/api/v1/repos/team/app/pulls?state=open&page=1&limit=2',
        '/api/v1/repos/team/app/pulls?state=open&page=2&limit=2',
      ]);
      expect(fake.requests.filter((r) => r.operationId === 'repoListPullRequests').length).toBe(6);
    });

    it('names the labels that do not exist', async () => {
      await expect(client.labelIds(repo, ['nope', 'also'])).rejects.toThrow(
        'labels not found in team/app: nope, also',
      );
    });
  });
});

describe('ForgejoPackages', () => {
  let fake: FakeForgejo;
  let packages: ForgejoPackages;
  beforeEach(async () => {
    fake = await startFakeForgejo();
    packages = new ForgejoPackages(
      new ForgejoClient({ apiUrl: fake.apiUrl, token: fake.token, pageSize: 3 }),
    );
    for (let i = 0; i < 7; i++) fake.addPackage('team', 'app', `v${i}`, new Date(Date.UTC(2026, 0, i + 1)));
    fake.addPackage('team', 'app', `sha256:${'a'.repeat(64)}`, new Date(Date.UTC(2025, 0, 1)));
    fake.addPackage('team', 'app-tools', 'v1', new Date(Date.UTC(2026, 1, 1)));
    fake.addPackage('team', 'lib', '1.0.0', new Date(Date.UTC(2026, 1, 1)), 'npm');
  });
  afterEach(async () => {
    await fake.stop();
    expect(fake.violations).toEqual([]);
  });

  describe('when listing', () => {
    it('reads every page of container packages and one package by exact name, newest first', async () => {
      const all = await packages.list('team', { type: 'container' });
      const versions = await packages.versions('team', 'container', 'app');
      expect({
        count: all.length,
        names: await packages.containerNames('team'),
        versions: versions.map((v) => v.version),
        first: versions[0],
      }).toEqual({
        count: 9,
        names: ['app', 'app-tools'],
        versions: ['v6', 'v5', 'v4', 'v3', 'v2', 'v1', 'v0', `sha256:${'a'.repeat(64)}`],
        first: {
          id: 7,
          owner: 'team',
          type: 'container',
          name: 'app',
          version: 'v6',
          createdAt: '2026-01-07T00:00:00.000Z',
          htmlUrl: `${fake.url}/team/-/packages/container/app/v6`,
        },
      });
    });
  });

  describe('when deleting', () => {
    it('deletes a digest version through its URL-encoded path', async () => {
      const version = `sha256:${'a'.repeat(64)}`;
      await packages.delete('team', 'container', 'app', version);
      expect(await packages.get('team', 'container', 'app', version)).toBeUndefined();
      expect(fake.packages().filter((p) => p.name === 'app').length).toBe(7);
      expect(fake.requests.find((r) => r.method === 'DELETE')?.path).toBe(
        `/api/v1/packages/team/container/app/sha256%3A${'a'.repeat(64)}`,
      );
    });

    it('fails with a 404 for a version that does not exist', async () => {
      await expect(packages.delete('team', 'container', 'app', 'nope')).rejects.toMatchObject({
        status: 404,
      });
    });
  });
});
