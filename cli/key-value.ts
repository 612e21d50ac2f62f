import { UsageError } from './errors';

/** Splits `key=value` at the first `=`; the value may contain `=` and newlines. */
export function parseKeyValue(pair: string, option: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new UsageError(`${option} expects key=value, got ${JSON.stringify(pair)}`);
  return [pair.slice(0, at).trim(), pair.slice(at + 1)];
}

/**
 * Collects repeated `key=value` options. With `repeated: 'join'` a key given twice gets both
 * values joined by a newline, which list inputs read as two items (`--with tags=a --with tags=b`);
 * with `'last'` the last one wins.
 */
export function collectKeyValues(
  pairs: readonly string[],
  option: string,
  repeated: 'join' | 'last',
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, value] = parseKeyValue(pair, option);
    if (key === '') throw new UsageError(`${option} expects key=value, got ${JSON.stringify(pair)}`);
    result[key] = repeated === 'join' && key in result ? `${result[key]}\n${value}` : value;
  }
  return result;
}
