import type { Logger } from '@sovereign-ci/action-kit';

/** A Logger for the terminal: everything to stderr (stdout is for results), debug when asked. */
export function consoleLogger(write: (text: string) => void, debug: boolean): Logger {
  return {
    debug: (message) => {
      if (debug) write(`debug: ${message}\n`);
    },
    info: (message) => write(`${message}\n`),
    warning: (message) => write(`warning: ${message}\n`),
    async group(name, fn) {
      write(`== ${name}\n`);
      return fn();
    },
  };
}
