import { causeChain } from '@sovereign-ci/action-kit';
import type { Command } from './command';
import { copyCommand } from './commands/copy';
import { generateKeyPairCommand } from './commands/generate-key-pair';
import { listCommand } from './commands/list';
import { runCommand } from './commands/run';
import { UsageError } from './errors';
import type { CliIo } from './io';

/** Every command; adding one is one line here and one file in commands/. */
export const commands: Record<string, Command> = {
  list: listCommand,
  run: runCommand,
  copy: copyCommand,
  'generate-key-pair': generateKeyPairCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: sovereign-ci <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'sovereign-ci help <command> for its options',
  ].join('\n');
}

function describeError(error: unknown): string {
  return causeChain(error)
    .slice(0, 5)
    .map((e) => (e instanceof Error ? e.message : String(e)))
    .join(': caused by: ');
}

/** Runs one command line; resolves to the exit code (2 for usage errors). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = args[0] !== undefined ? commands[args[0]] : undefined;
    io.out(`${topic ? topic.usage : help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`sovereign-ci: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sovereign-ci ${name}: ${error.message}\n`);
      return 2;
    }
    io.err(`sovereign-ci ${name}: ${describeError(error)}\n`);
    return 1;
  }
}
