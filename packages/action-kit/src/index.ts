export { actionsCoreCommands, type RunnerCommands } from './commands';
export { mapLimit } from './concurrency';
export { causeChain, GateError, InputError } from './errors';
export { formatBytes, formatDuration } from './format';
export { readRegistryHost, readServerUrl, readToken } from './forge-inputs';
export {
  inputEnvName,
  parseDuration,
  readBoolean,
  readDuration,
  readEnum,
  readInt,
  readLines,
  readList,
  readMap,
  readRequired,
  readString,
  splitList,
  type InputSource,
  type IntOptions,
  type StringOptions,
} from './inputs';
export { recordingLogger, silentLogger, type Logger } from './logger';
export { createOutputs, fitsOutputLine, MAX_OUTPUT_LINE_BYTES, type Outputs } from './outputs';
export { createProgress, type Progress, type ProgressOptions } from './progress';
export {
  createActionContext,
  failureMessage,
  runAction,
  type ActionContext,
  type ActionStep,
  type RunActionOptions,
} from './run-action';
export { readRegistryTrust, type RegistryTrust } from './registry-trust';
export { readRunnerContext, type RunnerContext } from './runner-context';
export { runnerLogger } from './runner-logger';
export { maskSecret, setSecretMasker } from './secrets';
export { createSummary, type Summary } from './summary';
export { markdownTable, textTable } from './tables';
