import type { Logger } from '@sovereign-ci/action-kit';
import { ForeignCommitsError } from './forge-error';
import { gitPushChanges } from './git-push';
import type { FileChange, ForgeClient, Identity, PullRequestInfo, RepoRef } from './types';

export interface PublishOptions {
  repo: RepoRef;
  /** The pull-request branch (e.g. `repin/base-digests`). */
  branch: string;
  /** Base branch; default: the repository's default branch. */
  base?: string;
  files: { path: string; content: Buffer }[];
  /** Commit message; `trailer` is appended so later runs recognise their own commits. */
  message: string;
  trailer: string;
  title: string;
  body: string;
  labels?: string[];
  author?: Identity;
  /** Commit and push with git from this clone instead of the contents API (the pull request still uses the API). */
  git?: { cwd: string; remote?: string; binary?: string };
  logger: Logger;
}

export interface PublishResult {
  /** `none`: nothing to publish; `unchanged`: branch and pull request already say this. */
  action: 'none' | 'created' | 'updated' | 'unchanged';
  commit?: string;
  pull?: PullRequestInfo;
}

/**
 * Commits the files to one branch off the base and opens its pull request, or updates the open one
 * (found by listing open pulls and filtering by head). Refuses a branch with commits it did not make.
 */
export async function publishChanges(client: ForgeClient, o: PublishOptions): Promise<PublishResult> {
  const { repo, branch, logger } = o;
  if (o.files.length === 0) return { action: 'none' };
  const base = o.base ?? (await client.getRepository(repo)).defaultBranch;
  let commit: string | undefined;
  if (o.git) {
    const pushed = await gitPushChanges({
      cwd: o.git.cwd,
      ...(o.git.remote ? { remote: o.git.remote } : {}),
      ...(o.git.binary ? { git: o.git.binary } : {}),
      branch,
      base,
      files: o.files,
      message: o.message,
      trailer: o.trailer,
      ...(o.author ? { author: o.author } : {}),
    });
    commit = pushed.commit;
    if (commit) logger.info(`pushed ${commit} to ${branch}`);
  } else {
    commit = await commitThroughApi(client, o, base);
  }

  const labels = o.labels ?? [];
  const open = (await client.listOpenPulls(repo, { head: branch })).find((p) => p.base === base) ?? undefined;
  if (!open) {
    const pull = await client.createPull(repo, { title: o.title, body: o.body, head: branch, base, labels });
    logger.info(`opened pull request #${pull.number}: ${pull.url}`);
    return { action: 'created', ...(commit ? { commit } : {}), pull };
  }
  // Labels are added, never taken away: someone may have labelled the pull request by hand.
  const missingLabels = labels.filter((label) => !open.labels.includes(label));
  const needsUpdate = open.title !== o.title || open.body !== o.body || missingLabels.length > 0;
  if (!needsUpdate && !commit) {
    logger.info(`pull request #${open.number} is up to date`);
    return { action: 'unchanged', pull: open };
  }
  const update = {
    title: o.title,
    body: o.body,
    ...(missingLabels.length > 0 ? { labels: [...open.labels, ...missingLabels] } : {}),
  };
  const pull = needsUpdate ? await client.updatePull(repo, open.number, update) : open;
  logger.info(`updated pull request #${pull.number}: ${pull.url}`);
  return { action: 'updated', ...(commit ? { commit } : {}), pull };
}

/** Creates (or recreates) the branch and commits the changed files through the contents API. */
async function commitThroughApi(
  client: ForgeClient,
  o: PublishOptions,
  base: string,
): Promise<string | undefined> {
  const { repo, branch, logger } = o;
  const existing = await client.getBranch(repo, branch);
  let create = !existing;
  if (existing) {
    const ahead = await client.compareCommits(repo, base, branch);
    const foreign = ahead.filter((c) => !c.message.includes(o.trailer));
    if (foreign.length > 0) throw new ForeignCommitsError(branch, foreign);
    const baseSha = (await client.getBranch(repo, base))?.sha;
    if (
      ahead.length === 0 &&
      existing.sha !== baseSha &&
      (await client.listOpenPulls(repo, { head: branch })).length === 0
    ) {
      // everything on the branch is merged and no pull request is open: start again from the base
      logger.info(`branch ${branch} is behind ${base} with nothing of its own; recreating it`);
      await client.deleteBranch(repo, branch);
      create = true;
    }
  }
  if (create) {
    logger.info(`creating branch ${branch} from ${base}`);
    await client.createBranch(repo, branch, base);
  }

  const changed: FileChange[] = [];
  for (const file of o.files) {
    const current = await client.getFile(repo, file.path, branch);
    if (current?.content.equals(file.content)) continue;
    changed.push(
      current
        ? { path: file.path, content: file.content, sha: current.sha }
        : { path: file.path, content: file.content },
    );
  }
  let commit: string | undefined;
  if (changed.length > 0) {
    const commitOptions = {
      branch,
      message: `${o.message}\n\n${o.trailer}\n`,
      files: changed,
      ...(o.author ? { author: o.author } : {}),
    };
    commit = (await client.commitFiles(repo, commitOptions)).sha;
    logger.info(`committed ${changed.length} file(s) to ${branch}: ${commit}`);
  }

  return commit;
}
