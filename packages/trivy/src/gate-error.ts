import { GateError, textTable } from '@sovereign-ci/action-kit';
import type { Finding } from './model';
import type { Verdict } from './policy';

export const BLOCKING_HEADERS = ['ID', 'PACKAGE', 'INSTALLED', 'FIXED IN', 'SEVERITY', 'TITLE'] as const;

function clip(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function findingRow(finding: Finding): string[] {
  return [
    finding.id,
    finding.pkgName,
    finding.installedVersion,
    finding.fixedVersion ?? '',
    finding.severity,
    clip(finding.title ?? '', 60),
  ];
}

/** A plain-text table of findings, at most `limit` rows (then a line saying how many were left out). */
export function blockingTable(findings: readonly Finding[], limit = 200): string {
  const table = textTable(BLOCKING_HEADERS, findings.slice(0, limit).map(findingRow));
  return findings.length > limit ? `${table}\n… and ${findings.length - limit} more (see the report)` : table;
}

/** One sentence: what blocked, against what tolerance. */
export function verdictLine(verdict: Verdict, artifact?: string): string {
  const n = verdict.blocking.length;
  const what = `${n} blocking vulnerabilit${n === 1 ? 'y' : 'ies'}${artifact ? ` in ${artifact}` : ''}`;
  return verdict.passed
    ? `passed: ${what} (max-findings ${verdict.maxFindings})`
    : `failed: ${what}, more than max-findings ${verdict.maxFindings}`;
}

/** The GateError for a failed verdict: a sentence and the table of blocking findings, no stack. */
export function gateErrorFor(verdict: Verdict, artifact?: string): GateError {
  const lines = [`trivy-gate ${verdictLine(verdict, artifact)}`, blockingTable(verdict.blocking)];
  if (verdict.expiredMatches.length > 0) {
    lines.push(
      `expired ignore entries no longer apply: ${verdict.expiredMatches
        .map(({ rule }) => `${rule.id} (${rule.expiredAt?.toISOString().slice(0, 10)}, ${rule.source})`)
        .filter((v, i, all) => all.indexOf(v) === i)
        .join(', ')}`,
    );
  }
  return new GateError(lines.join('\n'));
}
