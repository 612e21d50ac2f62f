import os from 'node:os';
import type { InputSource } from './inputs';

/** What an action knows about the run it is in, from FORGEJO_* (preferred) or GITHUB_* variables. */
export interface RunnerContext {
  /** True on Forgejo/Gitea runners (act-based). */
  isForgejo: boolean;
  serverUrl?: string;
  apiUrl?: string;
  repository?: string;
  repositoryOwner?: string;
  sha?: string;
  ref?: string;
  refName?: string;
  refType?: string;
  eventName?: string;
  eventPath?: string;
  headRef?: string;
  baseRef?: string;
  workspace: string;
  runId?: string;
  runNumber?: string;
  actor?: string;
  /** Directory for this job's temporary files (RUNNER_TEMP, else the OS temp dir). */
  tempDir: string;
  toolCache?: string;
}

function pick(env: InputSource, name: string): string | undefined {
  const value = env[`FORGEJO_${name}`] || env[`GITHUB_${name}`];
  return value === '' ? undefined : value;
}

export function readRunnerContext(env: InputSource, cwd: string = process.cwd()): RunnerContext {
  return {
    isForgejo: Boolean(env.FORGEJO_ACTIONS || env.GITEA_ACTIONS || env.FORGEJO_SERVER_URL),
    serverUrl: pick(env, 'SERVER_URL'),
    apiUrl: pick(env, 'API_URL'),
    repository: pick(env, 'REPOSITORY'),
    repositoryOwner: pick(env, 'REPOSITORY_OWNER'),
    sha: pick(env, 'SHA'),
    ref: pick(env, 'REF'),
    refName: pick(env, 'REF_NAME'),
    refType: pick(env, 'REF_TYPE'),
    eventName: pick(env, 'EVENT_NAME'),
    eventPath: pick(env, 'EVENT_PATH'),
    headRef: pick(env, 'HEAD_REF'),
    baseRef: pick(env, 'BASE_REF'),
    workspace: pick(env, 'WORKSPACE') ?? cwd,
    runId: pick(env, 'RUN_ID'),
    runNumber: pick(env, 'RUN_NUMBER'),
    actor: pick(env, 'ACTOR'),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    toolCache: env.RUNNER_TOOL_CACHE || undefined,
  };
}
