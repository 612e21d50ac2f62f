import type { Readable } from 'node:stream';

/** One file of a model, as a source lists it. */
export interface ModelFile {
  /** Relative path inside the model, normalised (forward slashes). */
  path: string;
  size: number;
  /** `sha256:<hex>` the source publishes before any byte is read (Hugging Face LFS files). */
  publishedDigest?: string;
  /** Git blob id (sha1 hex) the source publishes, checked for files read whole. */
  gitOid?: string;
  /** Identity of the file's current content for the digest cache (path, size, mtime, ctime, inode). */
  cacheKey?: string;
  /** Opens the content from byte 0. */
  open(signal?: AbortSignal): Promise<Readable>;
}

export interface ModelSource {
  kind: 'huggingface' | 'directory';
  /** Display name: `org/name`, or the directory's base name. */
  name: string;
  /** Upstream URL for the manifest's `org.opencontainers.image.source`. */
  url?: string;
  /** The commit (Hugging Face) the listing belongs to. */
  revision?: string;
  /** When the content was last changed upstream (ISO 8601), for `org.opencontainers.image.created`. */
  created?: string;
  files: ModelFile[];
}

/** Remembers digests of local files whose content identity (`cacheKey`) did not change. */
export interface DigestCache {
  get(key: string): string | undefined;
  set(key: string, digest: string): void;
}
