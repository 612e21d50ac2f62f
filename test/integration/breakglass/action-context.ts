import { runAction, type ActionStep, type RunnerCommands } from '@sovereign-ci/action-kit';

export interface RecordedRun {
  outputs: Record<string, string>;
  failed: string[];
  log: string[];
}

/** Runs an action step the way a runner does (runAction), recording outputs, failure and log lines. */
export async function runRecorded(step: ActionStep, env: Record<string, string>): Promise<RecordedRun> {
  const outputs: Record<string, string> = {};
  const failed: string[] = [];
  const log: string[] = [];
  const state = new Map<string, string>();
  const commands: RunnerCommands = {
    setOutput: (name, value) => void (outputs[name] = value),
    setFailed: (message) => void failed.push(message),
    setSecret: () => undefined,
    saveState: (name, value) => void state.set(name, value),
    getState: (name) => state.get(name) ?? '',
    exportVariable: () => undefined,
    debug: (m) => void log.push(`debug: ${m}`),
    info: (m) => void log.push(m),
    warning: (m) => void log.push(`warning: ${m}`),
    startGroup: (name) => void log.push(`group: ${name}`),
    endGroup: () => undefined,
  };
  await runAction(step, undefined, { env, commands });
  return { outputs, failed, log };
}
