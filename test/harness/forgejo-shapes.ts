import { blobSha, type FakeCommit, type FakeGitRepo, type FakeLabel, type FakePull } from './forgejo-git';

/* Response bodies shaped like Forgejo's swagger definitions (the fake validates each against it). */

export interface FakePackage {
  id: number;
  owner: string;
  type: string;
  name: string;
  version: string;
  created: string;
}

export class Shapes {
  constructor(private readonly base: string) {}

  user(login: string): Record<string, unknown> {
    return {
      id: login.length,
      login,
      login_name: '',
      full_name: login,
      email: `${login}@example.test`,
      avatar_url: `${this.base}/avatars/${login}`,
      html_url: `${this.base}/${login}`,
    };
  }

  repository(r: FakeGitRepo): Record<string, unknown> {
    return {
      id: r.id,
      name: r.name,
      full_name: `${r.owner}/${r.name}`,
      owner: this.user(r.owner),
      default_branch: r.defaultBranch,
      html_url: `${this.base}/${r.owner}/${r.name}`,
      clone_url: `${this.base}/${r.owner}/${r.name}.git`,
      private: false,
      empty: false,
      has_pull_requests: true,
    };
  }

  branch(r: FakeGitRepo, name: string): Record<string, unknown> {
    const c = r.head(name);
    return {
      name,
      commit: {
        id: c.sha,
        message: c.message,
        url: `${this.base}/${r.owner}/${r.name}/commit/${c.sha}`,
        author: { name: c.author.name, email: c.author.email, username: c.author.login },
        committer: { name: c.author.name, email: c.author.email, username: c.author.login },
        timestamp: c.created,
      },
      protected: false,
      user_can_push: true,
      user_can_merge: true,
    };
  }

  contents(r: FakeGitRepo, path: string, commit: FakeCommit): Record<string, unknown> {
    const content = commit.files.get(path) ?? Buffer.alloc(0);
    const self = `${this.base}/api/v1/repos/${r.owner}/${r.name}/contents/${path}?ref=${commit.sha}`;
    const html = `${this.base}/${r.owner}/${r.name}/src/commit/${commit.sha}/${path}`;
    const git = `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/blobs/${blobSha(content)}`;
    return {
      name: path.split('/').pop() ?? path,
      path,
      sha: blobSha(content),
      last_commit_sha: commit.sha,
      type: 'file',
      size: content.length,
      encoding: 'base64',
      content: content.toString('base64'),
      url: self,
      html_url: html,
      git_url: git,
      download_url: `${this.base}/${r.owner}/${r.name}/raw/commit/${commit.sha}/${path}`,
      _links: { self, git, html },
    };
  }

  commitUser(c: FakeCommit): Record<string, unknown> {
    return { name: c.author.name, email: c.author.email, date: c.created };
  }

  fileCommit(r: FakeGitRepo, c: FakeCommit): Record<string, unknown> {
    return {
      sha: c.sha,
      url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/commits/${c.sha}`,
      html_url: `${this.base}/${r.owner}/${r.name}/commit/${c.sha}`,
      message: c.message,
      created: c.created,
      author: this.commitUser(c),
      committer: this.commitUser(c),
      parents: c.parent
        ? [{ sha: c.parent, url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/commits/${c.parent}` }]
        : [],
      tree: { sha: c.sha, url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/trees/${c.sha}` },
    };
  }

  commit(r: FakeGitRepo, c: FakeCommit): Record<string, unknown> {
    return {
      sha: c.sha,
      url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/commits/${c.sha}`,
      html_url: `${this.base}/${r.owner}/${r.name}/commit/${c.sha}`,
      created: c.created,
      commit: {
        message: c.message,
        url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/commits/${c.sha}`,
        author: this.commitUser(c),
        committer: this.commitUser(c),
        tree: { sha: c.sha, url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/trees/${c.sha}` },
      },
      author: this.user(c.author.login),
      committer: this.user(c.author.login),
      parents: c.parent
        ? [{ sha: c.parent, url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/git/commits/${c.parent}` }]
        : [],
    };
  }

  label(r: FakeGitRepo, l: FakeLabel): Record<string, unknown> {
    return {
      id: l.id,
      name: l.name,
      color: l.color,
      description: '',
      exclusive: false,
      is_archived: false,
      url: `${this.base}/api/v1/repos/${r.owner}/${r.name}/labels/${l.id}`,
    };
  }

  pull(r: FakeGitRepo, p: FakePull): Record<string, unknown> {
    const branchInfo = (name: string): Record<string, unknown> => ({
      label: name,
      ref: name,
      sha: r.branches.get(name) ?? '',
      repo_id: r.id,
      repo: this.repository(r),
    });
    return {
      id: p.id,
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      user: this.user('repin-bot'),
      labels: p.labels
        .map((id) => r.labels.find((l) => l.id === id))
        .filter((l): l is FakeLabel => !!l)
        .map((l) => this.label(r, l)),
      head:
        p.headRepo === undefined
          ? branchInfo(p.head)
          : {
              ...branchInfo(p.head),
              repo: p.headRepo === null ? null : { ...this.repository(r), full_name: p.headRepo },
            },
      base: branchInfo(p.base),
      html_url: `${this.base}/${r.owner}/${r.name}/pulls/${p.number}`,
      url: `${this.base}/${r.owner}/${r.name}/pulls/${p.number}`,
      diff_url: `${this.base}/${r.owner}/${r.name}/pulls/${p.number}.diff`,
      patch_url: `${this.base}/${r.owner}/${r.name}/pulls/${p.number}.patch`,
      mergeable: true,
      merged: false,
      draft: false,
      is_locked: false,
      comments: 0,
      created_at: p.created,
      updated_at: new Date().toISOString(),
    };
  }

  package(p: FakePackage): Record<string, unknown> {
    return {
      id: p.id,
      owner: this.user(p.owner),
      creator: this.user(p.owner),
      type: p.type,
      name: p.name,
      version: p.version,
      created_at: p.created,
      html_url: `${this.base}/${p.owner}/-/packages/${p.type}/${encodeURIComponent(p.name)}/${encodeURIComponent(p.version)}`,
    };
  }
}
