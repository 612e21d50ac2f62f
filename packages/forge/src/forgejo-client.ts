import { getBranch, getFile, getRepository, repoPath } from './common-endpoints';
import { isOwnBranch } from './own-branch';
import { ForgeHttp, type ForgeHttpOptions } from './forge-http';
import type { WireBranch, WireCommit, WireLabel, WirePull } from './forgejo-wire';
import type {
  BranchInfo,
  CommitFilesOptions,
  CommitInfo,
  CreatePullOptions,
  FileContent,
  ForgeClient,
  PullRequestInfo,
  RepoRef,
  RepositoryInfo,
  UpdatePullOptions,
} from './types';
import { toBranch, toCommit, toPull } from './wire-mapping';

export interface ForgejoClientOptions {
  /** `FORGEJO_API_URL`, e.g. `https://forgejo.lab/api/v1`. */
  apiUrl: string;
  token?: string;
  userAgent?: string;
  timeoutMs?: number;
  dispatcher?: ForgeHttpOptions['dispatcher'];
  /** Page size for list calls (Forgejo caps it at its MAX_RESPONSE_ITEMS, 50 by default). */
  pageSize?: number;
}

/** Forgejo (and Gitea) REST client: `Authorization: token …`. */
export class ForgejoClient implements ForgeClient {
  readonly provider = 'forgejo' as const;
  readonly http: ForgeHttp;
  readonly pageSize: number;

  constructor(options: ForgejoClientOptions) {
    const http: ForgeHttpOptions = { apiUrl: options.apiUrl };
    if (options.token) http.authorization = `token ${options.token}`;
    if (options.userAgent) http.userAgent = options.userAgent;
    if (options.timeoutMs) http.timeoutMs = options.timeoutMs;
    if (options.dispatcher) http.dispatcher = options.dispatcher;
    this.http = new ForgeHttp(http);
    this.pageSize = options.pageSize ?? 50;
  }

  /** Every item of a `page`/`limit` list (stops on a short page, or at X-Total-Count). */
  async paginate<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const res = await this.http.request<T[]>('GET', path, {
        query: { ...query, page, limit: this.pageSize },
      });
      const items = res.data ?? [];
      out.push(...items);
      const total = Number(res.headers.get('x-total-count') ?? NaN);
      if (items.length < this.pageSize || (Number.isFinite(total) && out.length >= total)) return out;
    }
  }

  getRepository(r: RepoRef): Promise<RepositoryInfo> {
    return getRepository(this.http, r);
  }

  getBranch(r: RepoRef, name: string): Promise<BranchInfo | undefined> {
    return getBranch(this.http, r, name);
  }

  async createBranch(r: RepoRef, name: string, fromRef: string): Promise<BranchInfo> {
    const b = await this.http.json<WireBranch>('POST', `${repoPath(r)}/branches`, {
      body: { new_branch_name: name, old_ref_name: fromRef },
    });
    return toBranch(b);
  }

  async deleteBranch(r: RepoRef, name: string): Promise<void> {
    await this.http.request('DELETE', `${repoPath(r)}/branches/${encodeURIComponent(name)}`);
  }

  getFile(r: RepoRef, path: string, ref: string): Promise<FileContent | undefined> {
    return getFile(this.http, r, path, ref);
  }

  async commitFiles(r: RepoRef, o: CommitFilesOptions): Promise<{ sha: string }> {
    const body: Record<string, unknown> = {
      branch: o.branch,
      message: o.message,
      files: o.files.map((f) => ({
        operation: f.sha ? 'update' : 'create',
        path: f.path,
        content: f.content.toString('base64'),
        ...(f.sha ? { sha: f.sha } : {}),
      })),
    };
    if (o.author) {
      body.author = o.author;
      body.committer = o.author;
    }
    const res = await this.http.json<{ commit?: { sha?: string } }>('POST', `${repoPath(r)}/contents`, {
      body,
    });
    return { sha: res.commit?.sha ?? '' };
  }

  async listOpenPulls(r: RepoRef, filter: { head?: string } = {}): Promise<PullRequestInfo[]> {
    const pulls = (await this.paginate<WirePull>(`${repoPath(r)}/pulls`, { state: 'open' })).map(toPull);
    return filter.head === undefined ? pulls : pulls.filter((p) => isOwnBranch(p, r, filter.head as string));
  }

  async createPull(r: RepoRef, o: CreatePullOptions): Promise<PullRequestInfo> {
    const body: Record<string, unknown> = { title: o.title, body: o.body, head: o.head, base: o.base };
    if (o.labels && o.labels.length > 0) body.labels = await this.labelIds(r, o.labels);
    return toPull(await this.http.json<WirePull>('POST', `${repoPath(r)}/pulls`, { body }));
  }

  async updatePull(r: RepoRef, number: number, o: UpdatePullOptions): Promise<PullRequestInfo> {
    const body: Record<string, unknown> = {};
    if (o.title !== undefined) body.title = o.title;
    if (o.body !== undefined) body.body = o.body;
    if (o.labels !== undefined) body.labels = await this.labelIds(r, o.labels);
    return toPull(await this.http.json<WirePull>('PATCH', `${repoPath(r)}/pulls/${number}`, { body }));
  }

  async labelIds(r: RepoRef, names: readonly string[]): Promise<number[]> {
    if (names.length === 0) return [];
    const labels = await this.paginate<WireLabel>(`${repoPath(r)}/labels`);
    const byName = new Map(labels.map((l) => [l.name ?? '', l.id ?? 0]));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length > 0)
      throw new Error(`labels not found in ${r.owner}/${r.repo}: ${missing.join(', ')}`);
    return names.map((n) => byName.get(n) as number);
  }

  async compareCommits(r: RepoRef, base: string, head: string): Promise<CommitInfo[]> {
    const basehead = `${encodeURIComponent(base)}...${encodeURIComponent(head)}`;
    const res = await this.http.json<{ commits?: WireCommit[] }>('GET', `${repoPath(r)}/compare/${basehead}`);
    return (res.commits ?? []).map(toCommit);
  }
}
