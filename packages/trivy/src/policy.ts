import type { IgnoreRule, IgnoreRules } from './ignore-file';
import { isFixed, pkgTypeOf, type Finding, type PkgType, type ScanReport } from './model';
import { parsePurl, purlMatches, type PackageUrl } from './purl';
import { SEVERITIES, severityRank, type Severity } from './severity';

export interface GatePolicy {
  /** Severities that block (Trivy's `--severity`). */
  severities: readonly Severity[];
  /** Trivy's `--ignore-unfixed`: every status but `fixed` is left out. */
  ignoreUnfixed: boolean;
  /** Trivy's `--pkg-types`; empty or absent means all. Findings whose class does not tell are kept. */
  pkgTypes?: readonly PkgType[];
  ignore?: IgnoreRules;
  /** Blocking findings tolerated before the gate fails. */
  maxFindings: number;
}

export interface SeverityCounts {
  /** Every finding of this severity in the report. */
  total: number;
  /** Those with a fix (`isFixed`). */
  fixable: number;
  /** Those the policy selected but an ignore-file entry in force ignored. */
  ignored: number;
  /** Those the policy selected and nothing ignored. */
  blocking: number;
}

export type Counts = Record<Severity, SeverityCounts>;

export interface IgnoredFinding {
  finding: Finding;
  rule: IgnoreRule;
}

export interface Verdict {
  passed: boolean;
  maxFindings: number;
  counts: Counts;
  /** Highest severity first. */
  blocking: Finding[];
  ignored: IgnoredFinding[];
  /** Every expired ignore-file entry (they ignore nothing). */
  expiredRules: IgnoreRule[];
  /** Blocking findings an expired entry would have ignored. */
  expiredMatches: IgnoredFinding[];
}

export function emptyCounts(): Counts {
  const counts = {} as Counts;
  for (const severity of SEVERITIES) counts[severity] = { total: 0, fixable: 0, ignored: 0, blocking: 0 };
  return counts;
}

function indexRules(rules: readonly IgnoreRule[]): Map<string, IgnoreRule[]> {
  const byId = new Map<string, IgnoreRule[]>();
  for (const rule of rules) {
    const list = byId.get(rule.id);
    if (list) list.push(rule);
    else byId.set(rule.id, [rule]);
  }
  return byId;
}

function targetPurl(finding: Finding): PackageUrl | undefined {
  if (!finding.purl) return undefined;
  try {
    return parsePurl(finding.purl);
  } catch {
    return undefined;
  }
}

/**
 * The rule that ignores `finding`, as Trivy's IgnoreConfig.MatchVulnerability: same ID; paths (if any)
 * match the result's target or the package path; purls (if any) match the package — a finding without a
 * purl matches any purl list, as in Trivy.
 */
export function matchIgnoreRule(byId: Map<string, IgnoreRule[]>, finding: Finding): IgnoreRule | undefined {
  const candidates = byId.get(finding.id);
  if (!candidates) return undefined;
  let purl: PackageUrl | undefined | null = null;
  for (const candidatePath of [finding.result.target, finding.pkgPath ?? '']) {
    for (const rule of candidates) {
      if (!rule.matchPath(candidatePath)) continue;
      if (rule.parsedPurls.length > 0) {
        if (purl === null) purl = targetPurl(finding);
        if (purl && !rule.parsedPurls.some((p) => purlMatches(p, purl as PackageUrl))) continue;
      }
      return rule;
    }
  }
  return undefined;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
    (a.pkgName < b.pkgName ? -1 : a.pkgName > b.pkgName ? 1 : 0)
  );
}

/** Applies the policy in Trivy's order: severity, status (ignore-unfixed), package type, then the ignore file. */
export function evaluatePolicy(report: ScanReport, policy: GatePolicy): Verdict {
  const counts = emptyCounts();
  const wanted = new Set<Severity>(policy.severities);
  const pkgTypes = policy.pkgTypes && policy.pkgTypes.length > 0 ? new Set(policy.pkgTypes) : undefined;
  const active = indexRules(policy.ignore?.active ?? []);
  const expired = indexRules(policy.ignore?.expired ?? []);
  const blocking: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  const expiredMatches: IgnoredFinding[] = [];
  for (const finding of report.findings) {
    const count = counts[finding.severity];
    count.total++;
    const fixed = isFixed(finding);
    if (fixed) count.fixable++;
    if (!wanted.has(finding.severity)) continue;
    if (policy.ignoreUnfixed && !fixed) continue;
    if (pkgTypes) {
      const type = pkgTypeOf(finding.result);
      if (type !== undefined && !pkgTypes.has(type)) continue;
    }
    const rule = active.size > 0 ? matchIgnoreRule(active, finding) : undefined;
    if (rule) {
      count.ignored++;
      ignored.push({ finding, rule });
      continue;
    }
    count.blocking++;
    blocking.push(finding);
    const stale = expired.size > 0 ? matchIgnoreRule(expired, finding) : undefined;
    if (stale) expiredMatches.push({ finding, rule: stale });
  }
  blocking.sort(compareFindings);
  return {
    passed: blocking.length <= policy.maxFindings,
    maxFindings: policy.maxFindings,
    counts,
    blocking,
    ignored,
    expiredRules: [...(policy.ignore?.expired ?? [])],
    expiredMatches,
  };
}
