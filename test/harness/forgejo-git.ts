import { createHash, randomBytes } from 'node:crypto';

/* An in-memory git-like store for the fake Forgejo: commits are full snapshots with one parent. */

export interface FakeCommit {
  sha: string;
  parent?: string;
  message: string;
  author: { name: string; email: string; login: string };
  created: string;
  files: Map<string, Buffer>;
}

export interface FakePull {
  id: number;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  labels: number[];
  created: string;
  /** `owner/name` of a fork the head branch lives in (default: this repository); null for a deleted fork. */
  headRepo?: string | null;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
}

/** Git's blob id of the content (what Forgejo reports as a file's `sha`). */
export const blobSha = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

export class FakeGitRepo {
  readonly branches = new Map<string, string>();
  readonly commits = new Map<string, FakeCommit>();
  readonly pulls: FakePull[] = [];
  readonly labels: FakeLabel[] = [];
  private nextLabel = 1;

  constructor(
    readonly owner: string,
    readonly name: string,
    readonly id: number,
    readonly defaultBranch: string,
    files: Record<string, string>,
  ) {
    const root = this.commit(
      undefined,
      'initial commit',
      { name: 'Owner', email: 'owner@example.test', login: owner },
      new Map(Object.entries(files).map(([p, c]) => [p, Buffer.from(c)])),
    );
    this.branches.set(defaultBranch, root.sha);
  }

  commit(
    parent: string | undefined,
    message: string,
    author: FakeCommit['author'],
    files: Map<string, Buffer>,
  ): FakeCommit {
    const c: FakeCommit = {
      sha: randomBytes(20).toString('hex'),
      message,
      author,
      created: new Date().toISOString(),
      files,
    };
    if (parent) c.parent = parent;
    this.commits.set(c.sha, c);
    return c;
  }

  /** Commits `changes` on top of `branch` and moves it. */
  commitOn(
    branch: string,
    message: string,
    author: FakeCommit['author'],
    changes: Record<string, Buffer | null>,
  ): FakeCommit {
    const head = this.head(branch);
    const files = new Map(head.files);
    for (const [p, content] of Object.entries(changes)) {
      if (content === null) files.delete(p);
      else files.set(p, content);
    }
    const c = this.commit(head.sha, message, author, files);
    this.branches.set(branch, c.sha);
    return c;
  }

  head(branch: string): FakeCommit {
    const sha = this.branches.get(branch);
    const c = sha ? this.commits.get(sha) : undefined;
    if (!c) throw new Error(`no branch ${branch}`);
    return c;
  }

  /** A branch name, tag-less: a branch or a commit sha. */
  resolve(ref: string): FakeCommit | undefined {
    const sha = this.branches.get(ref) ?? ref;
    return this.commits.get(sha);
  }

  /** Commits reachable from `head` and not from `base`, oldest first. */
  ahead(base: FakeCommit, head: FakeCommit): FakeCommit[] {
    const baseAncestors = new Set<string>();
    for (let c: FakeCommit | undefined = base; c; c = c.parent ? this.commits.get(c.parent) : undefined)
      baseAncestors.add(c.sha);
    const out: FakeCommit[] = [];
    for (
      let c: FakeCommit | undefined = head;
      c && !baseAncestors.has(c.sha);
      c = c.parent ? this.commits.get(c.parent) : undefined
    )
      out.push(c);
    return out.reverse();
  }

  addLabel(name: string, color = '00aabb'): FakeLabel {
    const label = { id: this.nextLabel++, name, color };
    this.labels.push(label);
    return label;
  }
}
