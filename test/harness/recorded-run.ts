import { runAction, setSecretMasker, type ActionStep, type RunnerCommands } from '@sovereign-ci/action-kit';

export interface RecordedRun {
  outputs: Record<string, string>;
  failed: string[];
  /** info lines as they are; debug, warning and group lines prefixed. */
  log: string[];
  /** Every value masked, through the runner command and through the secret masker. */
  secrets: string[];
}

/**
 * Runs an action step through runAction with recording runner commands (state kept between saveState and
 * getState); secrets masked during the run are recorded and passed on to the masker already in place.
 */
export async function runRecorded(step: ActionStep, env: Record<string, string>): Promise<RecordedRun> {
  const run: RecordedRun = { outputs: {}, failed: [], log: [], secrets: [] };
  const state = new Map<string, string>();
  const commands: RunnerCommands = {
    setOutput: (name, value) => void (run.outputs[name] = value),
    setFailed: (message) => void run.failed.push(message),
    setSecret: (value) => void run.secrets.push(value),
    saveState: (name, value) => void state.set(name, value),
    getState: (name) => state.get(name) ?? '',
    exportVariable: () => undefined,
    debug: (m) => void run.log.push(`debug: ${m}`),
    info: (m) => void run.log.push(m),
    warning: (m) => void run.log.push(`warning: ${m}`),
    startGroup: (name) => void run.log.push(`group: ${name}`),
    endGroup: () => undefined,
  };
  const previous: (value: string) => void = setSecretMasker((value) => {
    run.secrets.push(value);
    previous(value);
  });
  try {
    await runAction(step, undefined, { env, commands });
  } finally {
    setSecretMasker(previous);
  }
  return run;
}

/** `INPUT_*` variables for inputs. */
export const inputsEnv = (inputs: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

/** Runner commands that record outputs, info/warning/group lines and failures, for createActionContext. */
export function fakeCommands() {
  const calls: string[] = [];
  const outputs: Record<string, string> = {};
  const commands: RunnerCommands = {
    setOutput: (name, value) => void (outputs[name] = value),
    setFailed: (message) => void calls.push(`failed ${message}`),
    setSecret: () => {},
    saveState: () => {},
    getState: () => '',
    exportVariable: () => {},
    debug: () => {},
    info: (message) => void calls.push(`info ${message}`),
    warning: (message) => void calls.push(`warning ${message}`),
    startGroup: (name) => void calls.push(`group ${name}`),
    endGroup: () => {},
  };
  return { commands, calls, outputs };
}
