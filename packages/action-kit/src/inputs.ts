import { InputError } from './errors';
import { maskSecret } from './secrets';

/** The environment an action's inputs are read from: `process.env` on a runner, a plain object in tests. */
export type InputSource = Readonly<Record<string, string | undefined>>;

/**
 * `INPUT_<NAME>` the way both GitHub's runner and act/Forgejo set it: upper case, spaces to `_`,
 * hyphens kept (`dry-run` -> `INPUT_DRY-RUN`).
 */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface StringOptions {
  default?: string;
  /** Mask the value the moment it is read. */
  secret?: boolean;
  /** Keep leading/trailing white space (passwords may have it). */
  keepWhitespace?: boolean;
}

/** The raw value, trimmed; undefined when unset or empty. */
export function readString(env: InputSource, name: string, options: StringOptions = {}): string | undefined {
  const raw = env[inputEnvName(name)];
  const value = raw === undefined ? undefined : options.keepWhitespace ? raw : raw.trim();
  if (value === undefined || value === '') return options.default;
  if (options.secret) maskSecret(value);
  return value;
}

export function readRequired(env: InputSource, name: string, options: StringOptions = {}): string {
  const value = readString(env, name, options);
  if (value === undefined) throw new InputError(name, 'is required but was not set');
  return value;
}

const yamlTrue = new Set(['true', 'True', 'TRUE']);
const yamlFalse = new Set(['false', 'False', 'FALSE']);

/** YAML 1.2 core-schema booleans only; anything else is an error (`yes` is not a boolean here). */
export function readBoolean(env: InputSource, name: string, defaultValue: boolean): boolean {
  const value = readString(env, name);
  if (value === undefined) return defaultValue;
  if (yamlTrue.has(value)) return true;
  if (yamlFalse.has(value)) return false;
  throw new InputError(name, `expected true or false, got '${value}'`);
}

/** Splits on newlines and commas, except commas inside `{…}` (brace globs such as `*.{yml,yaml}`). */
export function splitList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of value) {
    if (char === '{') depth++;
    if (char === '}' && depth > 0) depth--;
    if (char === '\n' || char === '\r' || (char === ',' && depth === 0)) {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** A list from newlines or commas; with `secret`, the whole value and each item are masked. */
export function readList(env: InputSource, name: string, options: { secret?: boolean } = {}): string[] {
  const value = readString(env, name);
  if (value === undefined) return [];
  const items = splitList(value);
  if (options.secret) maskSecret(value, items);
  return items;
}

/** A list from newlines only (items may contain commas), blank lines and `#` comments dropped. */
export function readLines(env: InputSource, name: string): string[] {
  const value = readString(env, name);
  if (value === undefined) return [];
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export interface IntOptions {
  default: number;
  min?: number;
  max?: number;
}

export function readInt(env: InputSource, name: string, options: IntOptions): number {
  const value = readString(env, name);
  if (value === undefined) return options.default;
  if (!/^[+-]?\d+$/.test(value)) throw new InputError(name, `expected a whole number, got '${value}'`);
  const number = Number(value);
  const { min, max } = options;
  if (!Number.isSafeInteger(number)) throw new InputError(name, `'${value}' is out of range`);
  if (min !== undefined && number < min) throw new InputError(name, `must be at least ${min}, got ${number}`);
  if (max !== undefined && number > max) throw new InputError(name, `must be at most ${max}, got ${number}`);
  return number;
}

export function readEnum<T extends string>(
  env: InputSource,
  name: string,
  allowed: readonly T[],
  defaultValue: T,
): T {
  const value = readString(env, name);
  if (value === undefined) return defaultValue;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, `expected one of ${allowed.join(', ')}, got '${value}'`);
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `5m`, `1h30m`, `250ms`, `2d`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(value: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let index = 0;
  while (index < value.length) {
    part.lastIndex = index;
    const match = part.exec(value);
    if (!match) return undefined;
    total += Number(match[1]) * (durationUnits[match[2] as string] as number);
    index = part.lastIndex;
  }
  return index > 0 ? total : undefined;
}

/** A duration in milliseconds. */
export function readDuration(env: InputSource, name: string, defaultMs: number): number {
  const value = readString(env, name);
  if (value === undefined) return defaultMs;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new InputError(name, `expected a duration such as 30s, 5m or 1h30m, got '${value}'`);
  }
  return ms;
}

/** `KEY=value` lines (values keep inner spaces and `=`); a line without `=` or with an empty key is an error. */
export function readMap(env: InputSource, name: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of readLines(env, name)) {
    const equals = line.indexOf('=');
    const key = equals > 0 ? line.slice(0, equals).trim() : '';
    if (key === '') throw new InputError(name, `expected KEY=value, got '${line}'`);
    map[key] = line.slice(equals + 1);
  }
  return map;
}
