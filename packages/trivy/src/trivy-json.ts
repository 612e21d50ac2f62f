import type { ScanReport } from './model';

/** A scan as a Trivy SchemaVersion 2 report (for sources that are not Trivy, so `report` is always one format). */
export function toTrivyJson(report: ScanReport): object {
  return {
    SchemaVersion: 2,
    ...(report.artifactName ? { ArtifactName: report.artifactName } : {}),
    ...(report.artifactType ? { ArtifactType: report.artifactType } : {}),
    Results: report.results.map((result) => ({
      Target: result.target,
      ...(result.class ? { Class: result.class } : {}),
      ...(result.type ? { Type: result.type } : {}),
      Vulnerabilities: report.findings
        .filter((f) => f.result === result)
        .map((f) => ({
          VulnerabilityID: f.id,
          ...(f.pkgId ? { PkgID: f.pkgId } : {}),
          PkgName: f.pkgName,
          ...(f.pkgPath ? { PkgPath: f.pkgPath } : {}),
          ...(f.purl ? { PkgIdentifier: { PURL: f.purl } } : {}),
          InstalledVersion: f.installedVersion,
          ...(f.fixedVersion ? { FixedVersion: f.fixedVersion } : {}),
          ...(f.status ? { Status: f.status } : {}),
          ...(f.primaryUrl ? { PrimaryURL: f.primaryUrl } : {}),
          ...(f.title ? { Title: f.title } : {}),
          Severity: f.severity,
        })),
    })),
  };
}
