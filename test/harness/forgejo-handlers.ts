import { blobSha, type FakeCommit, type FakeGitRepo } from './forgejo-git';
import type { FakePackage, Shapes } from './forgejo-shapes';

/* Request handlers of the fake Forgejo, by swagger operationId. */

export interface FakeRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  user: string;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeState {
  repos: Map<string, FakeGitRepo>;
  packages: FakePackage[];
  shapes: Shapes;
  nextPullId: number;
}

export type Handler = (req: FakeRequest, state: FakeState) => FakeResponse;

const notFound = (message = "The target couldn't be found."): FakeResponse => ({
  status: 404,
  body: { message, url: '', errors: [] },
});
const error = (status: number, message: string): FakeResponse => ({ status, body: { message, url: '' } });

function paged<T>(req: FakeRequest, items: T[], map: (t: T) => unknown): FakeResponse {
  const page = Math.max(1, Number(req.query.get('page') ?? '1'));
  const limit = Math.min(50, Math.max(1, Number(req.query.get('limit') ?? '30')));
  const slice = items.slice((page - 1) * limit, page * limit);
  return { status: 200, body: slice.map(map), headers: { 'x-total-count': String(items.length) } };
}

function repoOf(req: FakeRequest, state: FakeState): FakeGitRepo | undefined {
  return state.repos.get(`${req.params.owner ?? ''}/${req.params.repo ?? ''}`);
}

const withRepo =
  (fn: (req: FakeRequest, state: FakeState, repo: FakeGitRepo) => FakeResponse): Handler =>
  (req, state) => {
    const repo = repoOf(req, state);
    return repo ? fn(req, state, repo) : notFound('repository does not exist');
  };

const author = (req: FakeRequest, body: Record<string, unknown>): FakeCommit['author'] => {
  const a = body.author as { name?: string; email?: string } | undefined;
  return { name: a?.name ?? req.user, email: a?.email ?? `${req.user}@example.test`, login: req.user };
};

export const handlers: Record<string, Handler> = {
  repoGet: withRepo((_req, state, repo) => ({ status: 200, body: state.shapes.repository(repo) })),

  repoGetBranch: withRepo((req, state, repo) =>
    repo.branches.has(req.params.branch ?? '')
      ? { status: 200, body: state.shapes.branch(repo, req.params.branch ?? '') }
      : notFound('branch does not exist'),
  ),

  repoDeleteBranch: withRepo((req, _state, repo) => {
    const name = req.params.branch ?? '';
    if (!repo.branches.has(name)) return notFound('branch does not exist');
    if (name === repo.defaultBranch) return error(403, 'can not delete the default branch');
    repo.branches.delete(name);
    for (const p of repo.pulls) if (p.state === 'open' && p.head === name) p.state = 'closed';
    return { status: 204 };
  }),

  repoCreateBranch: withRepo((req, state, repo) => {
    const name = String(req.body.new_branch_name);
    const from = String(req.body.old_ref_name ?? req.body.old_branch_name ?? repo.defaultBranch);
    if (repo.branches.has(name)) return error(409, `branch ${name} already exists`);
    const c = repo.resolve(from);
    if (!c) return notFound(`old branch ${from} does not exist`);
    repo.branches.set(name, c.sha);
    return { status: 201, body: state.shapes.branch(repo, name) };
  }),

  repoGetContents: withRepo((req, state, repo) => {
    const c = repo.resolve(req.query.get('ref') ?? repo.defaultBranch);
    const path = req.params.filepath ?? '';
    if (!c || !c.files.has(path)) return notFound('GetContentsOrList');
    return { status: 200, body: state.shapes.contents(repo, path, c) };
  }),

  repoChangeFiles: withRepo((req, state, repo) => {
    const branch = String(req.body.branch ?? repo.defaultBranch);
    const target = req.body.new_branch ? String(req.body.new_branch) : branch;
    if (!repo.branches.has(branch)) return notFound(`branch ${branch} does not exist`);
    if (target !== branch && repo.branches.has(target)) return error(422, `branch ${target} already exists`);
    const head = repo.head(branch);
    const changes: Record<string, Buffer | null> = {};
    for (const f of req.body.files as { operation: string; path: string; content?: string; sha?: string }[]) {
      const existing = head.files.get(f.path);
      if (f.operation === 'create' && existing)
        return error(422, `repository file already exists [path: ${f.path}]`);
      if (f.operation !== 'create') {
        if (!existing) return notFound(`repository file does not exist [path: ${f.path}]`);
        if (!f.sha) return error(422, `sha is required to ${f.operation} ${f.path}`);
        if (f.sha !== blobSha(existing))
          return error(422, `sha does not match [given: ${f.sha}, expected: ${blobSha(existing)}]`);
      }
      changes[f.path] = f.operation === 'delete' ? null : Buffer.from(f.content ?? '', 'base64');
    }
    if (target !== branch) repo.branches.set(target, head.sha);
    const c = repo.commitOn(
      target,
      String(req.body.message ?? 'Update files'),
      author(req, req.body),
      changes,
    );
    const files = Object.keys(changes)
      .filter((p) => changes[p] !== null)
      .map((p) => state.shapes.contents(repo, p, c));
    return { status: 201, body: { files, commit: state.shapes.fileCommit(repo, c) } };
  }),

  repoCompareDiff: withRepo((req, state, repo) => {
    const [baseRef, headRef] = (req.params.basehead ?? '').split('...');
    const base = baseRef === undefined ? undefined : repo.resolve(baseRef);
    const head = headRef === undefined ? undefined : repo.resolve(headRef);
    if (!base || !head) return notFound();
    const commits = repo.ahead(base, head);
    return {
      status: 200,
      body: { total_commits: commits.length, commits: commits.map((c) => state.shapes.commit(repo, c)) },
    };
  }),

  repoListPullRequests: withRepo((req, state, repo) => {
    const wanted = req.query.get('state') ?? 'open';
    const pulls = repo.pulls
      .filter((p) => wanted === 'all' || p.state === wanted)
      .sort((a, b) => b.number - a.number);
    return paged(req, pulls, (p) => state.shapes.pull(repo, p));
  }),

  repoCreatePullRequest: withRepo((req, state, repo) => {
    const head = String(req.body.head ?? '');
    const base = String(req.body.base ?? '');
    if (!repo.branches.has(head) || !repo.branches.has(base))
      return notFound('head or base branch does not exist');
    if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === base)) {
      return error(409, `pull request already exists for these targets`);
    }
    const labels = (req.body.labels as number[] | undefined) ?? [];
    if (labels.some((id) => !repo.labels.some((l) => l.id === id))) return error(422, 'label does not exist');
    const number = repo.pulls.reduce((n, p) => Math.max(n, p.number), 0) + 1;
    const pull = {
      id: state.nextPullId++,
      number,
      title: String(req.body.title ?? ''),
      body: String(req.body.body ?? ''),
      head,
      base,
      state: 'open' as const,
      labels,
      created: new Date().toISOString(),
    };
    repo.pulls.push(pull);
    return { status: 201, body: state.shapes.pull(repo, pull) };
  }),

  repoEditPullRequest: withRepo((req, state, repo) => {
    const pull = repo.pulls.find((p) => p.number === Number(req.params.index));
    if (!pull) return notFound('pull request does not exist');
    if (typeof req.body.title === 'string') pull.title = req.body.title;
    if (typeof req.body.body === 'string') pull.body = req.body.body;
    if (Array.isArray(req.body.labels)) {
      const labels = req.body.labels as number[];
      if (labels.some((id) => !repo.labels.some((l) => l.id === id)))
        return error(422, 'label does not exist');
      pull.labels = labels;
    }
    if (req.body.state === 'closed' || req.body.state === 'open') pull.state = req.body.state;
    return { status: 201, body: state.shapes.pull(repo, pull) };
  }),

  repoGetPullRequest: withRepo((req, state, repo) => {
    const pull = repo.pulls.find((p) => p.number === Number(req.params.index));
    return pull ? { status: 200, body: state.shapes.pull(repo, pull) } : notFound();
  }),

  issueListLabels: withRepo((req, state, repo) =>
    paged(req, repo.labels, (l) => state.shapes.label(repo, l)),
  ),

  listPackages: (req, state) => {
    const type = req.query.get('type');
    const q = req.query.get('q');
    const items = state.packages
      .filter((p) => p.owner === req.params.owner && (!type || p.type === type) && (!q || p.name.includes(q)))
      .sort((a, b) => b.id - a.id);
    return paged(req, items, (p) => state.shapes.package(p));
  },

  getPackage: (req, state) => {
    const p = state.packages.find(
      (x) =>
        x.owner === req.params.owner &&
        x.type === req.params.type &&
        x.name === req.params.name &&
        x.version === req.params.version,
    );
    return p ? { status: 200, body: state.shapes.package(p) } : notFound('package does not exist');
  },

  deletePackage: (req, state) => {
    const i = state.packages.findIndex(
      (x) =>
        x.owner === req.params.owner &&
        x.type === req.params.type &&
        x.name === req.params.name &&
        x.version === req.params.version,
    );
    if (i < 0) return notFound('package does not exist');
    state.packages.splice(i, 1);
    return { status: 204 };
  },
};
