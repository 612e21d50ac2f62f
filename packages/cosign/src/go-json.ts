/**
 * JSON text the way Go's encoding/json writes it, for byte-exact cosign payloads and manifests:
 * `<`, `>`, `&`, U+2028 and U+2029 are escaped (`\u003c`…), control characters use `\n`, `\r`, `\t`,
 * `\b`, `\f` or `\u00XX` (lower-case hex), and map keys are sorted by their UTF-8 bytes.
 */
const hex = '0123456789abcdef';

export function goJsonString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (
      code < 0x20 ||
      char === '<' ||
      char === '>' ||
      char === '&' ||
      code === 0x2028 ||
      code === 0x2029
    ) {
      out += `\\u${hex[(code >> 12) & 15]}${hex[(code >> 8) & 15]}${hex[(code >> 4) & 15]}${hex[code & 15]}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate is not valid UTF-8; Go writes the replacement character.
      out += '\ufffd';
    } else out += char;
  }
  return `${out}"`;
}

/** Keys in the order Go sorts map keys: by UTF-8 bytes. */
export function goSortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/**
 * Marshals a JSON value as Go marshals `map[string]any` / `[]any` / primitives: object keys sorted,
 * no white space, Go string escaping. Numbers are written as JavaScript writes them.
 */
export function goJsonValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot encode ${value} as JSON`);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goJsonValue).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${goSortedKeys(record)
      .map((key) => `${goJsonString(key)}:${goJsonValue(record[key])}`)
      .join(',')}}`;
  }
  throw new Error(`cannot encode a ${typeof value} as JSON`);
}

/**
 * A Go struct: fields in declaration order, each `[name, encodedValue]`; an undefined encoded value is
 * left out (`omitempty`).
 */
export function goStruct(fields: readonly (readonly [string, string | undefined])[]): string {
  return `{${fields
    .filter((field): field is readonly [string, string] => field[1] !== undefined)
    .map(([name, encoded]) => `${goJsonString(name)}:${encoded}`)
    .join(',')}}`;
}
