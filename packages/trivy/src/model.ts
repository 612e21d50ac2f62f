import type { Severity } from './severity';

/** One `Results[]` entry of a Trivy report (only what the gate reads). */
export interface ScanTarget {
  /** e.g. `alpine:3.19 (alpine 3.19.1)` or `app/package-lock.json`. */
  target: string;
  /** `os-pkgs`, `lang-pkgs`, … (absent in reports from sources that do not say). */
  class?: string;
  /** `alpine`, `debian`, `npm`, `gomod`, … */
  type?: string;
}

/** One vulnerability, lean: the fields a gate, a table and SARIF need. */
export interface Finding {
  id: string;
  pkgName: string;
  pkgId?: string;
  pkgPath?: string;
  purl?: string;
  installedVersion: string;
  fixedVersion?: string;
  /** trivy-db status: `fixed`, `affected`, `will_not_fix`, `fix_deferred`, `end_of_life`, `under_investigation`, … */
  status?: string;
  severity: Severity;
  title?: string;
  primaryUrl?: string;
  /** The result this finding belongs to (shared, not copied). */
  result: ScanTarget;
}

/** A scan, whatever produced it (Trivy JSON, Harbor). */
export interface ScanReport {
  schemaVersion?: number;
  artifactName?: string;
  artifactType?: string;
  results: ScanTarget[];
  findings: Finding[];
}

/**
 * Whether a fix exists, as Trivy's `--ignore-unfixed` decides: it ignores every status except `fixed`
 * (pkg/flag/vulnerability_flags.go). A finding without any status (older reports, other scanners) counts as
 * fixed when it names a fixed version.
 */
export function isFixed(finding: Pick<Finding, 'status' | 'fixedVersion'>): boolean {
  if (finding.status) return finding.status === 'fixed';
  return Boolean(finding.fixedVersion);
}

/** Trivy's `--pkg-types`: `os` for OS packages, `library` for language packages. */
export const PKG_TYPES = ['os', 'library'] as const;
export type PkgType = (typeof PKG_TYPES)[number];

/** The package type of a result's class; undefined when the class does not tell (the gate then keeps it). */
export function pkgTypeOf(target: ScanTarget): PkgType | undefined {
  if (target.class === 'os-pkgs') return 'os';
  if (target.class === 'lang-pkgs') return 'library';
  return undefined;
}
