import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGitRepo, type FakeCommit } from './forgejo-git';
import { handlers, type FakeState } from './forgejo-handlers';
import { Shapes, type FakePackage } from './forgejo-shapes';
import { ForgejoSwagger } from './forgejo-swagger';

export { blobSha, FakeGitRepo, type FakeCommit, type FakeLabel, type FakePull } from './forgejo-git';
export type { FakePackage } from './forgejo-shapes';

export interface FakeForgejoRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
}

export interface FakeForgejo {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `${url}/api/v1` (what FORGEJO_API_URL would be). */
  apiUrl: string;
  token: string;
  /** Every request that broke Forgejo's swagger, and every answer of the fake that did. Tests assert it is empty. */
  violations: string[];
  requests: FakeForgejoRequest[];
  addRepo(owner: string, name: string, files: Record<string, string>, defaultBranch?: string): FakeGitRepo;
  repo(owner: string, name: string): FakeGitRepo;
  /** Someone else's commit on a branch (for the foreign-commit refusal). */
  pushCommit(
    owner: string,
    name: string,
    branch: string,
    files: Record<string, string>,
    message: string,
    login?: string,
  ): FakeCommit;
  addPackage(owner: string, name: string, version: string, created: Date, type?: string): FakePackage;
  packages(): FakePackage[];
  /** Throws listing every violation. */
  assertClean(): void;
  stop(): Promise<void>;
}

let swaggerCache: ForgejoSwagger | undefined;

/**
 * A fake Forgejo API on 127.0.0.1: every request is matched to a path of the real swagger
 * (../shared/fixtures/forgejo), its method, path/query parameters and JSON body validated
 * (unknown body fields rejected); answers are checked against the swagger too. State is kept in
 * memory (repositories, branches, commits, files, pulls, labels, packages).
 */
export async function startFakeForgejo(
  options: { token?: string; user?: string; idleTimeoutMs?: number } = {},
): Promise<FakeForgejo> {
  const swagger = (swaggerCache ??= new ForgejoSwagger());
  const token = options.token ?? 'fake-forgejo-token';
  const user = options.user ?? 'repin-bot';
  const violations: string[] = [];
  const requests: FakeForgejoRequest[] = [];
  const state: FakeState = { repos: new Map(), packages: [], shapes: new Shapes(''), nextPullId: 100 };
  let nextRepo = 1;
  let nextPackage = 1;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(
          status,
          body === undefined ? headers : { 'content-type': 'application/json;charset=utf-8', ...headers },
        );
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://fake');
      const record = (status: number, operationId?: string): void => {
        requests.push({
          method,
          path: url.pathname + url.search,
          status,
          ...(operationId ? { operationId } : {}),
        });
      };
      if (!url.pathname.startsWith('/api/v1/')) {
        violations.push(`${method} ${url.pathname}: outside /api/v1`);
        record(404);
        return send(404, { message: 'not found', url: '' });
      }
      const apiPath = url.pathname.slice('/api/v1'.length);
      const op = swagger.match(method, apiPath);
      if (typeof op === 'string') {
        violations.push(`${method} ${apiPath}: ${op}`);
        record(405);
        return send(405, { message: op, url: '' });
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const errors = swagger.validateRequest(op, url.searchParams, rawBody, req.headers['content-type']);
      if (errors.length > 0) {
        violations.push(`${method} ${apiPath} (${op.operationId}): ${errors.join('; ')}`);
        record(422, op.operationId);
        return send(422, { message: errors.join('; '), url: '' });
      }
      if (req.headers.authorization !== `token ${token}`) {
        record(401, op.operationId);
        return send(401, { message: 'token is required', url: '' });
      }
      const handler = handlers[op.operationId];
      if (!handler) {
        violations.push(`${method} ${apiPath}: ${op.operationId} is valid but not implemented by the fake`);
        record(501, op.operationId);
        return send(501, { message: `${op.operationId} not implemented`, url: '' });
      }
      const body = rawBody === '' ? {} : (JSON.parse(rawBody) as Record<string, unknown>);
      const out = handler({ params: op.params, query: url.searchParams, body, user }, state);
      const responseErrors = swagger.validateResponse(op, out.status, out.body);
      if (responseErrors.length > 0)
        violations.push(`fake answer to ${op.operationId} ${out.status}: ${responseErrors.join('; ')}`);
      record(out.status, op.operationId);
      send(out.status, out.body, out.headers);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  state.shapes = new Shapes(base);
  const idle = setTimeout(() => server.close(), options.idleTimeoutMs ?? 10 * 60_000);
  idle.unref();

  const fake: FakeForgejo = {
    url: base,
    apiUrl: `${base}/api/v1`,
    token,
    violations,
    requests,
    addRepo(owner, name, files, defaultBranch = 'main') {
      const repo = new FakeGitRepo(owner, name, nextRepo++, defaultBranch, files);
      state.repos.set(`${owner}/${name}`, repo);
      return repo;
    },
    repo(owner, name) {
      const r = state.repos.get(`${owner}/${name}`);
      if (!r) throw new Error(`no fake repo ${owner}/${name}`);
      return r;
    },
    pushCommit(owner, name, branch, files, message, login = 'someone-else') {
      const changes = Object.fromEntries(Object.entries(files).map(([p, c]) => [p, Buffer.from(c)]));
      return fake
        .repo(owner, name)
        .commitOn(branch, message, { name: login, email: `${login}@example.test`, login }, changes);
    },
    addPackage(owner, name, version, created, type = 'container') {
      const p: FakePackage = {
        id: nextPackage++,
        owner,
        type,
        name,
        version,
        created: created.toISOString(),
      };
      state.packages.push(p);
      return p;
    },
    packages: () => [...state.packages],
    assertClean() {
      if (violations.length > 0)
        throw new Error(`fake Forgejo saw requests outside its swagger:\n${violations.join('\n')}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        clearTimeout(idle);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
