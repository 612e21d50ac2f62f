export * from './types';
export * from './media-types';
export {
  DOCKER_HUB,
  formatReference,
  InvalidReferenceError,
  isValidDigest,
  isValidTag,
  namesRegistry,
  normalizeRegistry,
  parseReference,
  referenceSelector,
  registryEndpoint,
  type ImageReference,
} from './reference';
export { digestOf, referrersTag } from './digest';
export { RegistryError, type RegistryErrorInit } from './registry-error';
export {
  dockerConfigCredentials,
  dockerConfigKey,
  dockerConfigPath,
  staticCredentials,
  type Credential,
  type CredentialProvider,
  type DockerConfigCredentialOptions,
} from './credentials';
export {
  restoreDockerConfigEntry,
  writeDockerConfigEntry,
  type ShadowingHelper,
} from './docker-config-write';
export { RegistryClient, type RegistryClientOptions } from './client';
export { RemoteRepository } from './repository';
export { DEFAULT_CHUNK_SIZE, DEFAULT_MONOLITHIC_THRESHOLD } from './blob-upload';
export { SourceChangedError, type BlobShape } from './blob-upload-computed';
export { DEFAULT_MANIFEST_CAP } from './manifest-store';
export { formatPlatform, parsePlatform, selectPlatform } from './platform';
export { copyImage, lazyStream, type CopyOptions, type CopyProgress } from './copy';
export { describeBytes, encodeManifest, pushManifestWithBlobs, type BlobToPush } from './push';
export { pushReferrer } from './referrers';
export { isLoopback } from './registry-session';
export {
  dockerConfigClient,
  maskedDockerConfigCredentials,
  type DockerConfigClientOptions,
} from './docker-config-client';
