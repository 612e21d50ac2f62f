import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunnerCommands } from './commands';

/** Forgejo's runner stops parsing GITHUB_OUTPUT silently at a line over 64 KiB; stay well below. */
export const MAX_OUTPUT_LINE_BYTES = 60 * 1024;

export interface Outputs {
  /** Sets an output; objects are written as JSON. */
  set(name: string, value: string | number | boolean | object): void;
  /**
   * For outputs that can grow without bound (reports, lists of findings): always writes the value to a
   * file and sets `<name>-file` to its path; sets `<name>` itself only when every line fits.
   */
  setLarge(name: string, value: string | object): void;
  /** Everything set so far (for summaries and tests). */
  readonly values: Record<string, string>;
}

function serialise(value: string | number | boolean | object): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

export function fitsOutputLine(value: string): boolean {
  return value.split('\n').every((line) => Buffer.byteLength(line) <= MAX_OUTPUT_LINE_BYTES);
}

export function createOutputs(commands: RunnerCommands, tempDir: string): Outputs {
  const values: Record<string, string> = {};
  const set = (name: string, value: string) => {
    values[name] = value;
    commands.setOutput(name, value);
  };
  return {
    values,
    set(name, value) {
      const text = serialise(value);
      if (!fitsOutputLine(text)) {
        throw new Error(`output '${name}' has a line over ${MAX_OUTPUT_LINE_BYTES} bytes; use setLarge`);
      }
      set(name, text);
    },
    setLarge(name, value) {
      const text = serialise(value);
      // A private directory per file: two steps of one job may set outputs with the same name.
      const dir = mkdtempSync(path.join(tempDir, 'sovereign-ci-output-'));
      const file = path.join(dir, `${name}.${typeof value === 'string' ? 'txt' : 'json'}`);
      writeFileSync(file, text, { mode: 0o600 });
      set(`${name}-file`, file);
      set(name, fitsOutputLine(text) ? text : '');
    },
  };
}
