export {
  archiveFileName,
  blobPath,
  containerdName,
  dockerManifest,
  familiarName,
  ociIndex,
  planArchive,
  repoTag,
  type ArchivePlan,
  type DockerManifestItem,
  type ImageConfigSummary,
  type PlanEntry,
  type ResolvedImage,
} from './archive-layout';
export { archiveChunks, type BlobReader } from './archive-stream';
export { checksumLine, DestinationError, pointLatest, uniqueDestinations, writeFailed } from './destination';
export { FanOut, type FanOutTarget } from './fan-out';
export { checksumFile, type FileChecksum } from './file-checksum';
export { assertSameContents } from './file-compare';
export { resolveImage, type ImageName, type ImageSource } from './resolve-image';
export { applyRetention, archivePattern, type RetentionResult } from './retention';
export {
  failedDestinationsError,
  saveArchive,
  type ArchiveCompression,
  type DestinationOutcome,
  type SaveArchiveOptions,
  type SaveArchiveResult,
} from './save-archive';
export { encodeHeader, padding } from './tar-entry';
export { verifyArchive, type ArchiveExpectation } from './verify-archive';
