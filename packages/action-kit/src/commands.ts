import * as core from '@actions/core';

/**
 * Everything action-kit asks of the runner. The default speaks the workflow-command protocol through
 * @actions/core; tests pass a recording fake instead.
 */
export interface RunnerCommands {
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  setSecret(value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  exportVariable(name: string, value: string): void;
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  startGroup(name: string): void;
  endGroup(): void;
}

export const actionsCoreCommands: RunnerCommands = {
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: (message) => core.setFailed(message),
  setSecret: (value) => core.setSecret(value),
  saveState: (name, value) => core.saveState(name, value),
  getState: (name) => core.getState(name),
  exportVariable: (name, value) => core.exportVariable(name, value),
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
};
