import { readFile } from 'node:fs/promises';
import type { RunnerContext } from '@sovereign-ci/action-kit';

/** The parts of a GitHub/Forgejo webhook payload that tag and label computation reads. */
export interface EventPayload {
  repository?: {
    name?: string;
    full_name?: string;
    html_url?: string;
    description?: string | null;
    default_branch?: string;
    license?: { spdx_id?: string } | null;
  };
  pull_request?: { number?: number; base?: { ref?: string } };
  number?: number;
  base_ref?: string | null;
  head_commit?: { timestamp?: string } | null;
  [key: string]: unknown;
}

/** The runner variables that matter here (from action-kit's RunnerContext). */
export type RunnerInfo = Pick<RunnerContext, 'eventName' | 'ref' | 'sha' | 'serverUrl' | 'repository'>;

/** Everything tags and labels are computed from: no API calls, only the runner's variables and event file. */
export interface MetadataContext {
  eventName: string;
  /** Full git ref: `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/7/merge` (GitHub) or `/head` (Forgejo). */
  ref: string;
  sha: string;
  /** The input `default-branch`, else `repository.default_branch` from the event payload. */
  defaultBranch?: string;
  payload: EventPayload;
  serverUrl?: string;
  /** `owner/name`. */
  repository?: string;
  /** The build's time (labels `created`, `{{date}}`). */
  now: Date;
  /** The commit's time when the payload has it (`head_commit.timestamp`), else `now`. */
  commitDate: Date;
}

export interface MetadataContextOptions {
  defaultBranch?: string;
  now?: Date;
}

export function metadataContext(
  runner: RunnerInfo,
  payload: EventPayload,
  options: MetadataContextOptions = {},
): MetadataContext {
  const now = options.now ?? new Date();
  const timestamp = payload.head_commit?.timestamp;
  const commitDate = timestamp && !Number.isNaN(Date.parse(timestamp)) ? new Date(timestamp) : now;
  const context: MetadataContext = {
    eventName: runner.eventName ?? '',
    ref: runner.ref ?? '',
    sha: runner.sha ?? '',
    payload,
    now,
    commitDate,
  };
  const defaultBranch = options.defaultBranch ?? payload.repository?.default_branch;
  if (defaultBranch) context.defaultBranch = defaultBranch;
  if (runner.serverUrl) context.serverUrl = runner.serverUrl.replace(/\/+$/, '');
  const repository = runner.repository ?? payload.repository?.full_name;
  if (repository) context.repository = repository;
  return context;
}

/** The event payload JSON (`GITHUB_EVENT_PATH`); `{}` when there is no path or no file. */
export async function readEventPayload(eventPath: string | undefined): Promise<EventPayload> {
  if (!eventPath) return {};
  let text: string;
  try {
    text = await readFile(eventPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as EventPayload) : {};
  } catch {
    throw new Error(`the event payload ${eventPath} is not valid JSON`);
  }
}

export const branchOf = (ref: string): string => (ref.startsWith('refs/heads/') ? ref.slice(11) : '');
export const tagOf = (ref: string): string => (ref.startsWith('refs/tags/') ? ref.slice(10) : '');

/** The pull request number from `refs/pull/<n>/merge|head`, else from the payload. */
export function pullRequestOf(context: MetadataContext): string {
  const match = /^refs\/pull\/(.+?)(?:\/(?:merge|head))?$/.exec(context.ref);
  if (match) return match[1] as string;
  return '';
}

/** metadata-action's `{{is_default_branch}}`. */
export function isDefaultBranch(context: MetadataContext): boolean {
  const branch = context.ref.replace(/^refs\/heads\//, '');
  if (branch === '') return false;
  if (context.defaultBranch !== undefined && context.defaultBranch === branch) return true;
  // These events always run for the last commit of the default branch.
  return /create|discussion|issues|schedule/.test(context.eventName);
}
