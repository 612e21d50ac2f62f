import { getBranch, getFile, getRepository, repoPath } from './common-endpoints';
import { isOwnBranch } from './own-branch';
import { ForgeHttp, encodePath, type ForgeHttpOptions } from './forge-http';
import type { WireCommit, WireLabel, WirePull } from './forgejo-wire';
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
import { toCommit, toPull } from './wire-mapping';

export interface GitHubClientOptions {
  /** `GITHUB_API_URL`, e.g. `https://api.github.com`. */
  apiUrl: string;
  token?: string;
  userAgent?: string;
  timeoutMs?: number;
  dispatcher?: ForgeHttpOptions['dispatcher'];
}

const PER_PAGE = 100;

/**
 * GitHub's REST API for the same operations. Differences from Forgejo: `Bearer` token; branches are
 * created as git refs; contents are committed one file per commit (PUT per path); labels are set by
 * name through the issues endpoints; `head` filters pulls as `owner:branch`.
 */
export class GitHubClient implements ForgeClient {
  readonly provider = 'github' as const;
  private readonly http: ForgeHttp;

  constructor(options: GitHubClientOptions) {
    const http: ForgeHttpOptions = {
      apiUrl: options.apiUrl,
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
    };
    if (options.token) http.authorization = `Bearer ${options.token}`;
    if (options.userAgent) http.userAgent = options.userAgent;
    if (options.timeoutMs) http.timeoutMs = options.timeoutMs;
    if (options.dispatcher) http.dispatcher = options.dispatcher;
    this.http = new ForgeHttp(http);
  }

  getRepository(r: RepoRef): Promise<RepositoryInfo> {
    return getRepository(this.http, r);
  }

  getBranch(r: RepoRef, name: string): Promise<BranchInfo | undefined> {
    return getBranch(this.http, r, name);
  }

  async createBranch(r: RepoRef, name: string, fromRef: string): Promise<BranchInfo> {
    const from = await this.getBranch(r, fromRef);
    const sha = from?.sha ?? fromRef;
    await this.http.json('POST', `${repoPath(r)}/git/refs`, { body: { ref: `refs/heads/${name}`, sha } });
    return { name, sha };
  }

  async deleteBranch(r: RepoRef, name: string): Promise<void> {
    await this.http.request('DELETE', `${repoPath(r)}/git/refs/heads/${encodePath(name)}`);
  }

  getFile(r: RepoRef, path: string, ref: string): Promise<FileContent | undefined> {
    return getFile(this.http, r, path, ref);
  }

  async commitFiles(r: RepoRef, o: CommitFilesOptions): Promise<{ sha: string }> {
    let sha = '';
    for (const f of o.files) {
      const body: Record<string, unknown> = {
        message: o.message,
        content: f.content.toString('base64'),
        branch: o.branch,
      };
      if (f.sha) body.sha = f.sha;
      if (o.author) body.committer = o.author;
      const res = await this.http.json<{ commit?: { sha?: string } }>(
        'PUT',
        `${repoPath(r)}/contents/${encodePath(f.path)}`,
        { body },
      );
      sha = res.commit?.sha ?? sha;
    }
    return { sha };
  }

  async listOpenPulls(r: RepoRef, filter: { head?: string } = {}): Promise<PullRequestInfo[]> {
    const out: PullRequestInfo[] = [];
    for (let page = 1; ; page++) {
      const query: Record<string, string | number> = { state: 'open', per_page: PER_PAGE, page };
      if (filter.head !== undefined) query.head = `${r.owner}:${filter.head}`;
      const items = (await this.http.json<WirePull[]>('GET', `${repoPath(r)}/pulls`, { query })) ?? [];
      out.push(...items.map(toPull));
      if (items.length < PER_PAGE) break;
    }
    return filter.head === undefined ? out : out.filter((p) => isOwnBranch(p, r, filter.head as string));
  }

  async createPull(r: RepoRef, o: CreatePullOptions): Promise<PullRequestInfo> {
    const pull = toPull(
      await this.http.json<WirePull>('POST', `${repoPath(r)}/pulls`, {
        body: { title: o.title, body: o.body, head: o.head, base: o.base },
      }),
    );
    if (o.labels && o.labels.length > 0) pull.labels = await this.setLabels(r, pull.number, o.labels);
    return pull;
  }

  async updatePull(r: RepoRef, number: number, o: UpdatePullOptions): Promise<PullRequestInfo> {
    const body: Record<string, unknown> = {};
    if (o.title !== undefined) body.title = o.title;
    if (o.body !== undefined) body.body = o.body;
    const pull = toPull(await this.http.json<WirePull>('PATCH', `${repoPath(r)}/pulls/${number}`, { body }));
    if (o.labels !== undefined) pull.labels = await this.setLabels(r, number, o.labels);
    return pull;
  }

  private async setLabels(r: RepoRef, number: number, names: readonly string[]): Promise<string[]> {
    const labels = await this.http.json<WireLabel[]>('PUT', `${repoPath(r)}/issues/${number}/labels`, {
      body: { labels: names },
    });
    return (labels ?? []).map((l) => l.name ?? '').sort();
  }

  async labelIds(r: RepoRef, names: readonly string[]): Promise<number[]> {
    const out: number[] = [];
    for (const name of names) {
      const label = await this.http.request<WireLabel>(
        'GET',
        `${repoPath(r)}/labels/${encodeURIComponent(name)}`,
        {
          accept404: true,
        },
      );
      if (!label.data) throw new Error(`label not found in ${r.owner}/${r.repo}: ${name}`);
      out.push(label.data.id ?? 0);
    }
    return out;
  }

  async compareCommits(r: RepoRef, base: string, head: string): Promise<CommitInfo[]> {
    const basehead = `${encodeURIComponent(base)}...${encodeURIComponent(head)}`;
    const res = await this.http.json<{ commits?: WireCommit[] }>('GET', `${repoPath(r)}/compare/${basehead}`);
    return (res.commits ?? []).map(toCommit);
  }
}
