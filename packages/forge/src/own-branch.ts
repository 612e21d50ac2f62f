import type { PullRequestInfo, RepoRef } from './types';

/**
 * A pull request is ours only when its head is this branch *of this repository*: a fork (or a deleted
 * fork, whose head repository is gone) with the same branch name must never be taken over.
 */
export function isOwnBranch(pull: PullRequestInfo, repo: RepoRef, branch: string): boolean {
  return (
    pull.head === branch && pull.headRepository.toLowerCase() === `${repo.owner}/${repo.repo}`.toLowerCase()
  );
}
