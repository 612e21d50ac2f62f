import {
  actionsCoreCommands,
  runAction,
  setSecretMasker,
  type ActionStep,
  type RunnerCommands,
} from '@sovereign-ci/action-kit';

export interface RecordedRun {
  outputs: Record<string, string>;
  failed: string[];
  log: string[];
  secrets: string[];
}

/** Runs an action step through runAction with recording runner commands (and a recording secret masker). */
export async function runRecorded(step: ActionStep, env: Record<string, string>): Promise<RecordedRun> {
  const run: RecordedRun = { outputs: {}, failed: [], log: [], secrets: [] };
  const commands: RunnerCommands = {
    setOutput: (name, value) => void (run.outputs[name] = value),
    setFailed: (message) => void run.failed.push(message),
    setSecret: (value) => void run.secrets.push(value),
    saveState: () => undefined,
    getState: () => '',
    exportVariable: () => undefined,
    debug: () => undefined,
    info: (m) => void run.log.push(m),
    warning: (m) => void run.log.push(`warning: ${m}`),
    startGroup: (name) => void run.log.push(`group: ${name}`),
    endGroup: () => undefined,
  };
  setSecretMasker((value) => void run.secrets.push(value));
  try {
    await runAction(step, undefined, { env, commands });
  } finally {
    setSecretMasker((value) => actionsCoreCommands.setSecret(value));
  }
  return run;
}

/** `INPUT_*` variables for inputs. */
export const inputsEnv = (inputs: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
