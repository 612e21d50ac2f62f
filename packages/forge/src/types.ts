export type ForgeProvider = 'forgejo' | 'github';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RepositoryInfo {
  fullName: string;
  defaultBranch: string;
  htmlUrl: string;
}

export interface BranchInfo {
  name: string;
  sha: string;
}

export interface FileContent {
  path: string;
  /** Blob sha (needed to update the file). */
  sha: string;
  content: Buffer;
}

export interface FileChange {
  path: string;
  content: Buffer;
  /** Blob sha of the file on the branch; absent when the file is created. */
  sha?: string;
}

export interface Identity {
  name: string;
  email: string;
}

export interface CommitFilesOptions {
  branch: string;
  message: string;
  files: FileChange[];
  author?: Identity;
}

export interface CommitInfo {
  sha: string;
  message: string;
  author?: string;
}

export interface PullRequestInfo {
  number: number;
  url: string;
  title: string;
  body: string;
  state: string;
  head: string;
  headSha: string;
  /** `owner/name` of the repository the head branch lives in; empty when the fork was deleted. */
  headRepository: string;
  base: string;
  labels: string[];
}

export interface CreatePullOptions {
  title: string;
  body: string;
  head: string;
  base: string;
  labels?: string[];
}

export interface UpdatePullOptions {
  title?: string;
  body?: string;
  labels?: string[];
}

/** The repository, branch, contents and pull-request operations, the same on Forgejo and GitHub. */
export interface ForgeClient {
  readonly provider: ForgeProvider;
  getRepository(repo: RepoRef): Promise<RepositoryInfo>;
  getBranch(repo: RepoRef, name: string): Promise<BranchInfo | undefined>;
  createBranch(repo: RepoRef, name: string, fromRef: string): Promise<BranchInfo>;
  deleteBranch(repo: RepoRef, name: string): Promise<void>;
  getFile(repo: RepoRef, path: string, ref: string): Promise<FileContent | undefined>;
  /** Commits the files on `branch`. Forgejo: one commit; GitHub: one commit per file. Returns the last commit sha. */
  commitFiles(repo: RepoRef, options: CommitFilesOptions): Promise<{ sha: string }>;
  /** Open pull requests, all pages, filtered by head branch name when given. */
  listOpenPulls(repo: RepoRef, filter?: { head?: string }): Promise<PullRequestInfo[]>;
  createPull(repo: RepoRef, options: CreatePullOptions): Promise<PullRequestInfo>;
  updatePull(repo: RepoRef, number: number, options: UpdatePullOptions): Promise<PullRequestInfo>;
  /** Label ids for names (Forgejo needs ids); throws naming the labels that do not exist. */
  labelIds(repo: RepoRef, names: readonly string[]): Promise<number[]>;
  /** Commits reachable from `head` and not from `base`. */
  compareCommits(repo: RepoRef, base: string, head: string): Promise<CommitInfo[]>;
}
