import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GitContext } from './git-context';

/** The per-step files a runner hands an action. */
export interface StepFiles {
  GITHUB_OUTPUT: string;
  GITHUB_ENV: string;
  GITHUB_STATE: string;
  GITHUB_PATH: string;
  GITHUB_STEP_SUMMARY: string;
}

/** Creates empty command files for one step (`main`, `post`) under RUNNER_TEMP. */
export function createStepFiles(runnerTemp: string, step: string): StepFiles {
  const dir = path.join(runnerTemp, '_runner_file_commands');
  mkdirSync(dir, { recursive: true });
  const files: StepFiles = {
    GITHUB_OUTPUT: path.join(dir, `set_output_${step}`),
    GITHUB_ENV: path.join(dir, `set_env_${step}`),
    GITHUB_STATE: path.join(dir, `save_state_${step}`),
    GITHUB_PATH: path.join(dir, `add_path_${step}`),
    GITHUB_STEP_SUMMARY: path.join(dir, `step_summary_${step}`),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

/** Variables a runner may have put here that must not leak into the step we start. */
const STEP_SCOPED =
  /^(INPUT_|STATE_)|^(GITHUB|FORGEJO)_(OUTPUT|ENV|STATE|PATH|STEP_SUMMARY|ACTION|ACTION_PATH)$/;

/** Runner identity variables that exist as both GITHUB_* and FORGEJO_* on Forgejo. */
const MIRRORED = [
  'SERVER_URL',
  'API_URL',
  'REPOSITORY',
  'REPOSITORY_OWNER',
  'SHA',
  'REF',
  'REF_NAME',
  'REF_TYPE',
  'EVENT_NAME',
  'EVENT_PATH',
  'WORKSPACE',
  'RUN_ID',
  'RUN_NUMBER',
  'ACTOR',
  'TOKEN',
];

export interface RunnerEnvOptions {
  base: Readonly<Record<string, string | undefined>>;
  git: GitContext;
  workspace: string;
  runnerTemp: string;
  action: { name: string; dir: string };
}

/**
 * The job-level environment of a step: the base environment without step-scoped variables,
 * plus a plausible runner context (kept from `base` where it is already set, e.g. inside CI).
 */
export function runnerEnv(options: RunnerEnvOptions): Record<string, string> {
  const { base, git, workspace, runnerTemp, action } = options;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !STEP_SCOPED.test(key)) env[key] = value;
  }
  const owner = git.repository.split('/')[0] ?? '';
  const defaults: Record<string, string> = {
    CI: 'true',
    GITHUB_SERVER_URL: git.serverUrl,
    GITHUB_API_URL: `${git.serverUrl}/api/v1`,
    GITHUB_REPOSITORY: git.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_SHA: git.sha,
    GITHUB_REF: git.ref,
    GITHUB_REF_NAME: git.refName,
    GITHUB_REF_TYPE: git.refType,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_WORKSPACE: workspace,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: base.USER ?? os.userInfo().username,
    GITHUB_JOB: 'local',
    GITHUB_WORKFLOW: 'sovereign-ci run',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: os.arch() === 'arm64' ? 'ARM64' : 'X64',
    RUNNER_NAME: 'sovereign-ci',
    RUNNER_TOOL_CACHE: path.join(os.homedir(), '.cache', 'sovereign-ci', 'tool-cache'),
  };
  for (const [key, value] of Object.entries(defaults)) env[key] ??= value;
  if (env.GITHUB_EVENT_PATH === undefined) {
    env.GITHUB_EVENT_PATH = path.join(runnerTemp, 'event.json');
    writeFileSync(env.GITHUB_EVENT_PATH, `${JSON.stringify(eventPayload(env), null, 2)}\n`);
  }
  for (const name of MIRRORED) {
    const value = env[`GITHUB_${name}`];
    if (value !== undefined) env[`FORGEJO_${name}`] ??= value;
  }
  env.GITHUB_ACTIONS = 'true';
  env.RUNNER_TEMP = runnerTemp;
  env.GITHUB_ACTION = action.name;
  env.GITHUB_ACTION_PATH = action.dir;
  return env;
}

/** A workflow_dispatch event with the fields actions commonly read. */
function eventPayload(env: Record<string, string>): unknown {
  const repository = env.GITHUB_REPOSITORY ?? '';
  return {
    inputs: {},
    ref: env.GITHUB_REF,
    repository: {
      full_name: repository,
      name: repository.split('/')[1] ?? repository,
      owner: { login: env.GITHUB_REPOSITORY_OWNER },
      html_url: `${env.GITHUB_SERVER_URL}/${repository}`,
      default_branch: env.GITHUB_REF_NAME,
    },
    sender: { login: env.GITHUB_ACTOR },
    workflow: env.GITHUB_WORKFLOW,
  };
}
