export type { DigestCache, ModelFile, ModelSource } from './types';
export { ModelPathError, checkModelPaths, normalizeModelPath } from './model-path';
export {
  Annotation,
  classifyFile,
  ModelPack,
  modelPackMediaType,
  ORAS_DEFAULT_ARTIFACT_TYPE,
  ORAS_FILE_MEDIA_TYPE,
  type FileKind,
} from './media-types';
export { ContentMismatchError, gitBlobId, hashStream, verifyingStream } from './verify-stream';
export { DEFAULT_HF_ENDPOINT, HubClient, type HubClientOptions } from './hf-client';
export { HuggingFaceError } from './hf-error';
export { huggingFaceSource, nextLink, parseHfUrl, type HfSourceOptions } from './hf-source';
export { directorySource, type DirectorySourceOptions } from './directory-source';
export { fileDigestCache, memoryDigestCache, type FileDigestCache } from './digest-cache';
export { parseShard, selectFiles, shardFiles, type Shard } from './file-selection';
export {
  buildLayout,
  modelPackConfig,
  type LayerFile,
  type LayoutOptions,
  type ModelFormat,
  type ModelLayout,
} from './layout';
export {
  SMALL_FILE_BUDGET,
  SMALL_FILE_LIMIT,
  transferFile,
  type TransferContext,
  type TransferResult,
} from './transfer-file';
export { byteBudget, type ByteBudget } from './byte-budget';
export { mirrorModel, MirrorError, type MirroredFile, type MirrorOptions, type MirrorResult } from './mirror';
export { pullModel, type PulledFile, type PullOptions, type PullResult } from './pull';
