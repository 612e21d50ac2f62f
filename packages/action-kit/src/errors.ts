/** A bad input value. `input` is the action input's kebab-case name. */
export class InputError extends Error {
  readonly code = 'INPUT';
  constructor(
    readonly input: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`input '${input}': ${message}`, options);
    this.name = 'InputError';
  }
}

/**
 * A policy said no. An expected outcome: the runner prints `message` (often a
 * table) without a stack trace.
 */
export class GateError extends Error {
  readonly code = 'GATE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GateError';
  }
}

/** Follows `cause` links, outermost first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 20) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}
