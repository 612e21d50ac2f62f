import { markdownTable } from '@sovereign-ci/action-kit';
import { findingRow, verdictLine } from './gate-error';
import type { ScanReport } from './model';
import type { Verdict } from './policy';
import { SEVERITIES } from './severity';

export interface SummaryOptions {
  /** What was scanned (image reference, report path). */
  artifact?: string;
  /** Rows of the blocking table at most. */
  limit?: number;
}

/** The step summary: verdict, counts per severity, blocking findings, expired and applied ignores. */
export function renderMarkdownSummary(
  report: ScanReport,
  verdict: Verdict,
  options: SummaryOptions = {},
): string {
  const limit = options.limit ?? 100;
  const artifact = options.artifact ?? report.artifactName;
  const parts = [`### trivy-gate ${verdict.passed ? '✅' : '❌'} ${verdictLine(verdict, artifact)}`];
  const severities = [...SEVERITIES].reverse();
  parts.push(
    markdownTable(
      ['severity', 'total', 'fixable', 'ignored', 'blocking'],
      severities.map((s) => {
        const c = verdict.counts[s];
        return [s, String(c.total), String(c.fixable), String(c.ignored), String(c.blocking)];
      }),
    ),
  );
  if (verdict.blocking.length > 0) {
    const rows = verdict.blocking.slice(0, limit).map((finding) => {
      const row = findingRow(finding);
      if (finding.primaryUrl) row[0] = `[${finding.id}](${finding.primaryUrl})`;
      return row;
    });
    parts.push(
      `#### Blocking\n\n${markdownTable(['ID', 'package', 'installed', 'fixed in', 'severity', 'title'], rows)}`,
    );
    if (verdict.blocking.length > limit)
      parts.push(`… and ${verdict.blocking.length - limit} more in the report.`);
  }
  if (verdict.expiredRules.length > 0) {
    parts.push(
      `#### Expired ignore entries (no longer applied)\n\n${markdownTable(
        ['ID', 'expired', 'where', 'statement'],
        verdict.expiredRules.map((r) => [
          r.id,
          r.expiredAt?.toISOString().slice(0, 10) ?? '',
          r.source,
          r.statement ?? '',
        ]),
      )}`,
    );
  }
  if (verdict.ignored.length > 0) {
    parts.push(
      `#### Ignored\n\n${markdownTable(
        ['ID', 'package', 'severity', 'where', 'statement'],
        verdict.ignored
          .slice(0, limit)
          .map(({ finding, rule }) => [
            finding.id,
            finding.pkgName,
            finding.severity,
            rule.source,
            rule.statement ?? '',
          ]),
      )}`,
    );
  }
  return `${parts.join('\n\n')}\n`;
}
