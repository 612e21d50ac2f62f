import type { Finding, ScanReport, ScanTarget } from './model';
import { PKG_IDENTIFIER, RESULT, ROOT, VULN } from './report-keys';
import { normalizeSeverity } from './severity';

const INTERNED = new Set(['status', 'class', 'type']);

/** Builds the lean scan model from what the report parser captures. */
export class ReportBuilder {
  private readonly root: Record<string, unknown> = {};
  private readonly results: ScanTarget[] = [];
  private readonly findings: Finding[] = [];
  private current: ScanTarget | undefined;
  private readonly interned = new Map<string, string>();

  /** The object a container with `role` fills (`parent` is the enclosing one's). */
  open(role: number, parent: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (role === ROOT) return this.root;
    if (role === RESULT) {
      this.current = { target: '' };
      return this.current as unknown as Record<string, unknown>;
    }
    if (role === VULN) return {};
    if (role === PKG_IDENTIFIER) return parent;
    return undefined;
  }

  /** Closes a container; returns an error message when what it held is not a usable finding. */
  close(role: number, target: Record<string, unknown> | undefined): string | undefined {
    if (role === RESULT) this.results.push(this.current!);
    if (role !== VULN || !target) return undefined;
    const id = target.id as string | undefined;
    if (!id) return `vulnerability #${this.findings.length + 1} has no VulnerabilityID`;
    this.findings.push({
      id,
      pkgName: (target.pkgName as string | undefined) ?? '',
      pkgId: target.pkgId as string | undefined,
      pkgPath: target.pkgPath as string | undefined,
      purl: target.purl as string | undefined,
      installedVersion: (target.installedVersion as string | undefined) ?? '',
      fixedVersion: (target.fixedVersion as string | undefined) || undefined,
      status: target.status as string | undefined,
      severity: normalizeSeverity(target.severity as string | undefined),
      title: target.title as string | undefined,
      primaryUrl: target.primaryUrl as string | undefined,
      result: this.current!,
    });
    return undefined;
  }

  assign(target: Record<string, unknown>, field: string, value: string | number): void {
    target[field] = typeof value === 'string' && INTERNED.has(field) ? this.intern(value) : value;
  }

  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    this.interned.set(text, text);
    return text;
  }

  /** The report once the JSON is complete, or why it is not a SchemaVersion 2 report. */
  report(): ScanReport | string {
    const version = this.root.schemaVersion;
    if (version === undefined) return 'not a Trivy JSON report: no SchemaVersion';
    if (version !== 2) return `unsupported Trivy report SchemaVersion ${String(version)} (expected 2)`;
    return {
      schemaVersion: 2,
      artifactName: this.root.artifactName as string | undefined,
      artifactType: this.root.artifactType as string | undefined,
      results: this.results,
      findings: this.findings,
    };
  }
}
