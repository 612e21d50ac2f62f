export { forgejoRetentionProvider, type ForgejoPackagesApi } from './forgejo-provider';
export { manifestDigests } from './manifest-digests';
export { ociRetentionProvider } from './oci-provider';
export {
  probeRegistry,
  type BrokenKind,
  type BrokenReference,
  type ProbeCounts,
  type ProbeOptions,
  type ProbeReport,
} from './probe';
export { renderPrometheus } from './prometheus';
export type { RegistryAccess } from './registry-access';
export {
  applyRetention,
  type RetentionFailure,
  type RetentionProvider,
  type RetentionResult,
} from './retention';
export {
  attachedSubject,
  decideAttached,
  isDigestVersion,
  selectTags,
  type Decision,
  type KeepReason,
  type PackageVersion,
  type RetentionPolicy,
} from './retention-policy';
