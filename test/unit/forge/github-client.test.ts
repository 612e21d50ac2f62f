import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { GitHubClient, publishChanges } from '@sovereign-ci/forge';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

/** A minimal GitHub REST stand-in: answers the endpoints the client uses and records each request. */
async function startFakeGitHub(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const files = new Map<string, { sha: string; content: string }>([
    ['Dockerfile', { sha: 'blob1', content: 'FROM a\n' }],
  ]);
  const branches = new Map<string, string>([['main', 'c0']]);
  let commit = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      const url = req.url ?? '';
      seen.push({ method: req.method ?? '', url, auth: req.headers.authorization, body });
      const send = (status: number, data: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      const path = url.split('?')[0] ?? '';
      if (req.method === 'GET' && path === '/repos/o/r')
        return send(200, { full_name: 'o/r', default_branch: 'main', html_url: 'https://gh/o/r' });
      const branch = /^\/repos\/o\/r\/branches\/(.+)$/.exec(path);
      if (req.method === 'GET' && branch) {
        const sha = branches.get(decodeURIComponent(branch[1] ?? ''));
        return sha
          ? send(200, { name: decodeURIComponent(branch[1] ?? ''), commit: { sha } })
          : send(404, { message: 'Branch not found' });
      }
      if (req.method === 'POST' && path === '/repos/o/r/git/refs') {
        branches.set(String(body?.ref).replace('refs/heads/', ''), String(body?.sha));
        return send(201, { ref: body?.ref });
      }
      const contents = /^\/repos\/o\/r\/contents\/(.+)$/.exec(path);
      if (contents && req.method === 'GET') {
        const f = files.get(contents[1] ?? '');
        return f
          ? send(200, {
              type: 'file',
              sha: f.sha,
              content: Buffer.from(f.content).toString('base64'),
              encoding: 'base64',
            })
          : send(404, { message: 'Not Found' });
      }
      if (contents && req.method === 'PUT') return send(200, { commit: { sha: `c${++commit}` } });
      if (req.method === 'GET' && path === '/repos/o/r/pulls') return send(200, []);
      if (req.method === 'POST' && path === '/repos/o/r/pulls')
        return send(201, {
          number: 7,
          html_url: 'https://gh/o/r/pull/7',
          title: body?.title,
          body: body?.body,
          state: 'open',
          head: { ref: body?.head, sha: 'x' },
          base: { ref: body?.base },
          labels: [],
        });
      if (req.method === 'PUT' && path === '/repos/o/r/issues/7/labels')
        return send(
          200,
          (body?.labels as string[]).map((name, id) => ({ id, name })),
        );
      send(404, { message: `unexpected ${req.method ?? ''} ${path}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('GitHubClient', () => {
  let gh: Awaited<ReturnType<typeof startFakeGitHub>>;
  beforeEach(async () => {
    gh = await startFakeGitHub();
  });
  afterEach(() => gh.close());

  describe('when publishing changes to a new branch', () => {
    it('creates the ref, PUTs each file, filters pulls by owner:branch and sets labels by name', async () => {
      const client = new GitHubClient({ apiUrl: gh.url, token: 'ghp_x' });
      const result = await publishChanges(client, {
        repo: { owner: 'o', repo: 'r' },
        branch: 'repin/base-digests',
        files: [
          { path: 'Dockerfile', content: Buffer.from('FROM a:1@sha256:1\n') },
          { path: 'ci/Containerfile', content: Buffer.from('FROM b\n') },
        ],
        message: 'Re-pin',
        trailer: 'Repinned-by: test',
        title: 'Re-pin',
        body: 'table',
        labels: ['dependencies'],
        logger: silentLogger,
      });
      expect({
        action: result.action,
        commit: result.commit,
        number: result.pull?.number,
        labels: result.pull?.labels,
      }).toEqual({
        action: 'created',
        commit: 'c2',
        number: 7,
        labels: ['dependencies'],
      });
      expect(gh.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'GET /repos/o/r',
        'GET /repos/o/r/branches/repin%2Fbase-digests',
        'GET /repos/o/r/branches/main',
        'POST /repos/o/r/git/refs',
        'GET /repos/o/r/contents/Dockerfile?ref=repin%2Fbase-digests',
        'GET /repos/o/r/contents/ci/Containerfile?ref=repin%2Fbase-digests',
        'PUT /repos/o/r/contents/Dockerfile',
        'PUT /repos/o/r/contents/ci/Containerfile',
        'GET /repos/o/r/pulls?state=open&per_page=100&page=1&head=o%3Arepin%2Fbase-digests',
        'POST /repos/o/r/pulls',
        'PUT /repos/o/r/issues/7/labels',
      ]);
      expect(new Set(gh.seen.map((s) => s.auth))).toEqual(new Set(['Bearer ghp_x']));
      expect(gh.seen[6]?.body).toEqual({
        message: 'Re-pin\n\nRepinned-by: test\n',
        content: Buffer.from('FROM a:1@sha256:1\n').toString('base64'),
        branch: 'repin/base-digests',
        sha: 'blob1',
      });
    });
  });
});
