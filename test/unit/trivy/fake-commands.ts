import type { RunnerCommands } from '@sovereign-ci/action-kit';

/** Runner commands that record outputs, log lines and failures. */
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
