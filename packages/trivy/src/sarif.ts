import type { IgnoredFinding, Verdict } from './policy';
import type { Finding, ScanReport } from './model';
import type { Severity } from './severity';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  CRITICAL: 'error',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'note',
  UNKNOWN: 'note',
};

/** GitHub's `security-severity` scale, the figures Trivy's own SARIF writer uses. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  CRITICAL: '9.5',
  HIGH: '8.0',
  MEDIUM: '5.5',
  LOW: '2.0',
  UNKNOWN: '0.0',
};

export interface SarifOptions {
  toolVersion?: string;
}

/**
 * SARIF 2.1.0 of every finding in the report; ignored ones carry a suppression. It describes the scan and
 * never decides the verdict.
 */
export function renderSarif(report: ScanReport, verdict: Verdict, options: SarifOptions = {}): object {
  const ignoredBy = new Map<Finding, IgnoredFinding>(verdict.ignored.map((i) => [i.finding, i]));
  const rules = new Map<string, { index: number; rule: object }>();
  const results = report.findings.map((finding) => {
    let rule = rules.get(finding.id);
    if (!rule) {
      rule = {
        index: rules.size,
        rule: {
          id: finding.id,
          name:
            finding.result.class === 'lang-pkgs'
              ? 'LanguageSpecificPackageVulnerability'
              : 'OsPackageVulnerability',
          shortDescription: { text: finding.title || finding.id },
          ...(finding.primaryUrl ? { helpUri: finding.primaryUrl } : {}),
          properties: {
            'security-severity': SECURITY_SEVERITY[finding.severity],
            tags: ['vulnerability', 'security', finding.severity],
          },
        },
      };
      rules.set(finding.id, rule);
    }
    const ignored = ignoredBy.get(finding);
    const uri = finding.pkgPath || finding.result.target.replace(/ \(.*\)$/, '') || 'unknown';
    return {
      ruleId: finding.id,
      ruleIndex: rule.index,
      level: LEVEL[finding.severity],
      message: {
        text: `Package: ${finding.pkgName}\nInstalled Version: ${finding.installedVersion}\nVulnerability ${finding.id}\nSeverity: ${finding.severity}\nFixed Version: ${finding.fixedVersion ?? ''}`,
      },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } } }],
      ...(ignored
        ? {
            suppressions: [
              {
                kind: 'external',
                justification: ignored.rule.statement ?? `ignored by ${ignored.rule.source}`,
              },
            ],
          }
        : {}),
    };
  });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            informationUri: 'https://github.com/aquasecurity/trivy',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            rules: [...rules.values()].map((r) => r.rule),
          },
        },
        results,
        ...(report.artifactName ? { properties: { artifactName: report.artifactName } } : {}),
      },
    ],
  };
}
