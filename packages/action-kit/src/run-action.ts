import { actionsCoreCommands, type RunnerCommands } from './commands';
import { causeChain, GateError, InputError } from './errors';
import type { InputSource } from './inputs';
import type { Logger } from './logger';
import { createOutputs, type Outputs } from './outputs';
import { readRunnerContext, type RunnerContext } from './runner-context';
import { runnerLogger } from './runner-logger';
import { createSummary, type Summary } from './summary';

export interface ActionContext {
  env: InputSource;
  logger: Logger;
  outputs: Outputs;
  summary: Summary;
  runner: RunnerContext;
  /** Saved in `main`, read back in `post` (GITHUB_STATE -> STATE_*). */
  state: { save(name: string, value: string): void; get(name: string): string };
}

export type ActionStep = (context: ActionContext) => Promise<void>;

const POST_MARKER = 'sovereign-ci-is-post';

export interface RunActionOptions {
  env?: InputSource;
  commands?: RunnerCommands;
}

export function createActionContext(env: InputSource, commands: RunnerCommands): ActionContext {
  const logger = runnerLogger(commands);
  const runner = readRunnerContext(env);
  return {
    env,
    logger,
    runner,
    outputs: createOutputs(commands, runner.tempDir),
    summary: createSummary(env, logger, runner.isForgejo),
    state: { save: (name, value) => commands.saveState(name, value), get: (name) => commands.getState(name) },
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The failure message for an error, without stack or secrets (errors carry none by construction).
 * Input and gate errors give their message only (a gate's message is often a table). Anything else
 * also names its causes, since the outer message alone (undici's `fetch failed`) rarely says what
 * went wrong: `push failed: caused by: connect ECONNREFUSED 127.0.0.1:5000`.
 */
export function failureMessage(error: unknown): string {
  if (error instanceof InputError || error instanceof GateError) return messageOf(error);
  const parts: string[] = [];
  for (const cause of causeChain(error).slice(0, 5)) {
    const message = messageOf(cause);
    if (!parts.some((part) => part.includes(message))) parts.push(message);
  }
  return parts.join(': caused by: ');
}

/**
 * Runs an action's `main` step, or its `post` step when the runner calls the same entry again after the
 * job (the main step leaves a state marker). Input and gate errors fail with their message only; anything
 * else also prints its cause chain with stacks at debug level.
 */
export async function runAction(
  main: ActionStep,
  post?: ActionStep,
  options: RunActionOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const commands = options.commands ?? actionsCoreCommands;
  const context = createActionContext(env, commands);
  const isPost = post !== undefined && env[`STATE_${POST_MARKER}`] === 'true';
  try {
    if (isPost) {
      await post(context);
    } else {
      if (post) commands.saveState(POST_MARKER, 'true');
      await main(context);
    }
  } catch (error) {
    if (!(error instanceof InputError || error instanceof GateError)) {
      for (const cause of causeChain(error)) {
        commands.debug(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
      }
    }
    commands.setFailed(failureMessage(error));
  }
}
