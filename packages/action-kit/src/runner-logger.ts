import type { RunnerCommands } from './commands';
import type { Logger } from './logger';

/** A Logger that writes workflow commands: `::debug::`, `::warning::` and `::group::`. */
export function runnerLogger(commands: RunnerCommands): Logger {
  return {
    debug: (message) => commands.debug(message),
    info: (message) => commands.info(message),
    warning: (message) => commands.warning(message),
    async group(name, fn) {
      commands.startGroup(name);
      try {
        return await fn();
      } finally {
        commands.endGroup();
      }
    },
  };
}
