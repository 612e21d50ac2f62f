/**
 * What packages log through. Packages never import @actions/core: the runner
 * adapter, the CLI and tests each hand them a Logger.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Runs `fn` inside a collapsible log group (::group:: on runners). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  group: (_name, fn) => fn(),
};

/** A Logger that keeps every line, for tests. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug: ${m}`),
    info: (m) => void lines.push(`info: ${m}`),
    warning: (m) => void lines.push(`warning: ${m}`),
    async group(name, fn) {
      lines.push(`group: ${name}`);
      try {
        return await fn();
      } finally {
        lines.push(`endgroup: ${name}`);
      }
    },
  };
}
