import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionMetadata } from './action-metadata';
import { UsageError } from './errors';
import { parseFileCommand, parsePathFile } from './file-commands';
import type { GitContext } from './git-context';
import { inputVariables, resolveInputs } from './inputs';
import { Masker } from './masker';
import { shouldRunPost } from './post-condition';
import { runStep } from './run-step';
import { createStepFiles, runnerEnv } from './runner-env';
import type { StepFiles } from './runner-env';

export interface RunActionOptions {
  action: ActionMetadata;
  /** Inputs given with --with. */
  inputs: Readonly<Record<string, string>>;
  /** Extra variables given with --env; they win over everything but the runner's own files. */
  env: Readonly<Record<string, string>>;
  base: Readonly<Record<string, string | undefined>>;
  git: GitContext;
  workspace: string;
  /** Where the steps' own output goes (already masked). */
  log: (text: string) => void;
  logErr: (text: string) => void;
  /** Where the CLI's status lines go. */
  status: (text: string) => void;
  /** Keep RUNNER_TEMP after the run (it is also kept when an output points into it). */
  keepTemp?: boolean;
}

export interface RunActionResult {
  exitCode: number;
  /** The main step's outputs. */
  outputs: Record<string, string>;
  /** What main saved with GITHUB_STATE (handed to post as STATE_*). */
  state: Record<string, string>;
  /** Step summaries of main and post, in order. */
  summary: string;
  masker: Masker;
  postRan: boolean;
  /** RUNNER_TEMP, when it was kept. */
  keptTemp?: string;
}

interface StepResult {
  exitCode: number;
  outputs: Record<string, string>;
  state: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  summary: string;
}

function read(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function collect(files: StepFiles, exitCode: number): StepResult {
  return {
    exitCode,
    outputs: parseFileCommand(read(files.GITHUB_OUTPUT), 'GITHUB_OUTPUT'),
    state: parseFileCommand(read(files.GITHUB_STATE), 'GITHUB_STATE'),
    env: parseFileCommand(read(files.GITHUB_ENV), 'GITHUB_ENV'),
    path: parsePathFile(read(files.GITHUB_PATH)),
    summary: read(files.GITHUB_STEP_SUMMARY),
  };
}

/** The bundle a `runs.main` / `runs.post` path points at, resolved against the action directory. */
function script(action: ActionMetadata, entry: string): string {
  const file = path.resolve(action.dir, entry);
  if (!existsSync(file)) {
    throw new UsageError(
      `${action.name}: ${entry} does not exist (${file}); build the bundles with npm run bundle`,
    );
  }
  return file;
}

/** Runs an action's main step and then its post step, the way a runner does. */
export async function runActionSteps(options: RunActionOptions): Promise<RunActionResult> {
  const { action } = options;
  if (!/^node\d+$/.test(action.runs.using)) {
    throw new UsageError(`${action.name}: runs.using ${action.runs.using} is not a node action`);
  }
  const mainScript = script(action, action.runs.main);
  const postScript = action.runs.post ? script(action, action.runs.post) : undefined;
  // Inside a job, nest under the job's RUNNER_TEMP (the runner cleans it); elsewhere the OS temp dir.
  const runnerTemp = mkdtempSync(path.join(options.base.RUNNER_TEMP || os.tmpdir(), 'sovereign-ci-run-'));
  const masker = new Masker();
  let keep = options.keepTemp ?? false;
  try {
    const job = runnerEnv({
      base: options.base,
      git: options.git,
      workspace: options.workspace,
      runnerTemp,
      action,
    });
    Object.assign(job, options.env);
    const inputs = inputVariables(resolveInputs(action, options.inputs, job));

    const step = async (name: string, file: string, extra: Record<string, string>): Promise<StepResult> => {
      const files = createStepFiles(runnerTemp, name);
      options.status(
        `[sovereign-ci] ${action.name}: ${name} (${path.relative(options.workspace, file) || file})\n`,
      );
      const exitCode = await runStep({
        script: file,
        env: { ...job, ...extra, ...inputs, ...files },
        cwd: options.workspace,
        masker,
        stdout: options.log,
        stderr: options.logErr,
      });
      return collect(files, exitCode);
    };

    const main = await step('main', mainScript, {});
    let exitCode = main.exitCode;
    let summary = main.summary;
    let postRan = false;
    if (postScript && shouldRunPost(action.runs.postIf, main.exitCode)) {
      const state = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]));
      const pathVar = [...main.path.reverse(), job.PATH ?? ''].filter(Boolean).join(path.delimiter);
      const post = await step('post', postScript, { ...main.env, ...state, PATH: pathVar });
      postRan = true;
      summary += post.summary;
      if (exitCode === 0) exitCode = post.exitCode;
    }
    // Large outputs are files under RUNNER_TEMP: keep it when an output points there.
    keep ||= Object.values(main.outputs).some((value) => value.includes(runnerTemp));
    const result = { exitCode, outputs: main.outputs, state: main.state, summary, masker, postRan };
    return keep ? { ...result, keptTemp: runnerTemp } : result;
  } finally {
    if (!keep) rmSync(runnerTemp, { recursive: true, force: true });
  }
}
