/** Trivy's severities, lowest first (trivy-db `types.SeverityNames`). */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

export type Severity = (typeof SEVERITIES)[number];

export const DEFAULT_SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH'];

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** A report's severity as Trivy reads it: empty means UNKNOWN; case is normalised. Unknown words are UNKNOWN. */
export function normalizeSeverity(value: string | undefined): Severity {
  if (!value) return 'UNKNOWN';
  const upper = value.toUpperCase();
  return isSeverity(upper) ? upper : 'UNKNOWN';
}

/** Validates a user's severity list (case-insensitive); throws on an unknown word or an empty list. */
export function parseSeverityList(values: readonly string[]): Severity[] {
  const result: Severity[] = [];
  for (const raw of values) {
    const upper = raw.trim().toUpperCase();
    if (!upper) continue;
    if (!isSeverity(upper))
      throw new Error(`unknown severity '${raw}'; expected some of ${SEVERITIES.join(', ')}`);
    if (!result.includes(upper)) result.push(upper);
  }
  if (result.length === 0) throw new Error(`no severity given; expected some of ${SEVERITIES.join(', ')}`);
  return result;
}

/** Highest first, as reports list them. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
