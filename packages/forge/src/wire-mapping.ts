import type { WireBranch, WireCommit, WirePull } from './forgejo-wire';
import type { BranchInfo, CommitInfo, PullRequestInfo } from './types';

export function toBranch(b: WireBranch): BranchInfo {
  return { name: b.name ?? '', sha: b.commit?.id ?? b.commit?.sha ?? '' };
}

export function toPull(p: WirePull): PullRequestInfo {
  return {
    number: p.number ?? 0,
    url: p.html_url ?? '',
    title: p.title ?? '',
    body: p.body ?? '',
    state: p.state ?? '',
    head: p.head?.ref ?? '',
    headSha: p.head?.sha ?? '',
    headRepository: p.head?.repo?.full_name ?? '',
    base: p.base?.ref ?? '',
    labels: (p.labels ?? []).map((l) => l.name ?? '').sort(),
  };
}

export function toCommit(c: WireCommit): CommitInfo {
  const out: CommitInfo = { sha: c.sha ?? '', message: c.commit?.message ?? '' };
  const author = c.author?.login ?? c.commit?.author?.name;
  if (author) out.author = author;
  return out;
}
