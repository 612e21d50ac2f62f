/**
 * The JSON structure of a value: object keys with their shapes, array element shapes, scalar types.
 * Objects whose keys are digests (LayerSources) are described by their value shape.
 */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value))
    return [...new Set(value.map((v) => JSON.stringify(shapeOf(v))))].map((s) => JSON.parse(s) as unknown);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 0 && entries.every(([k]) => /^sha256:[0-9a-f]{64}$/.test(k))) {
      return { '<digest>': shapeOf(entries[0]?.[1]) };
    }
    return Object.fromEntries(
      entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shapeOf(v)]),
    );
  }
  return typeof value;
}
