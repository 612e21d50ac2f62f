import type { CliIo } from './io';

/** One `sovereign-ci <name>` command. */
export interface Command {
  /** One line for `sovereign-ci help`. */
  summary: string;
  usage: string;
  /** Resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}
