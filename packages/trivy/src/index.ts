export {
  dbCacheKey,
  dbCachePaths,
  restoreDbCache,
  saveDbCache,
  type CacheStore,
  type DbCacheResult,
} from './db-cache';
export { BLOCKING_HEADERS, blockingTable, findingRow, gateErrorFor, verdictLine } from './gate-error';
export {
  harborPath,
  harborReportToScan,
  harborSeverity,
  HarborError,
  HarborScanSource,
  HARBOR_REPORT_TYPES,
  type HarborOptions,
} from './harbor';
export {
  compileIgnoreRules,
  IgnoreFileError,
  parseExpiry,
  parsePlainIgnore,
  parseYamlIgnore,
  readIgnoreFile,
  type IgnoreEntry,
  type IgnoreRule,
  type IgnoreRules,
} from './ignore-file';
export { renderMarkdownSummary, type SummaryOptions } from './markdown';
export {
  isFixed,
  pkgTypeOf,
  PKG_TYPES,
  type Finding,
  type PkgType,
  type ScanReport,
  type ScanTarget,
} from './model';
export {
  emptyCounts,
  evaluatePolicy,
  matchIgnoreRule,
  type Counts,
  type GatePolicy,
  type IgnoredFinding,
  type SeverityCounts,
  type Verdict,
} from './policy';
export { parsePurl, purlMatches, type PackageUrl } from './purl';
export { ReportParseError, TrivyReportParser } from './report-parser';
export { parseTrivyReport, readTrivyReport } from './report-read';
export { renderSarif, type SarifOptions } from './sarif';
export { toTrivyJson } from './trivy-json';
export {
  DEFAULT_SEVERITIES,
  isSeverity,
  normalizeSeverity,
  parseSeverityList,
  SEVERITIES,
  severityRank,
  type Severity,
} from './severity';
export {
  InstallError,
  installTrivy,
  type InstallErrorReason,
  sha256File,
  versionFromUrl,
  type InstalledTrivy,
  type InstallTrivyOptions,
  type ToolCache,
} from './tool-installer';
export {
  FILTERING_TRIVY_ENV,
  runTrivyScan,
  TrivyRunError,
  trivyImageArgs,
  type NeutralFiles,
  type TrivyScanOptions,
} from './trivy-runner';
