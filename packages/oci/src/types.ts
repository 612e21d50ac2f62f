import type { Readable } from 'node:stream';

/** `sha256:<64 hex>` (or another registered algorithm). */
export type Digest = string;

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Platform;
  urls?: string[];
  data?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | ImageIndex;

/** A manifest as fetched: the exact bytes (digests are over these) and the parsed JSON. */
export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: Manifest;
}

/** Where a blob body comes from. A function is called again when an upload must restart from byte 0. */
export type BlobSource = Buffer | (() => Readable);

export interface BlobStore {
  /** The blob's descriptor when the registry has it, undefined on 404. */
  exists(digest: Digest): Promise<Descriptor | undefined>;
  /** A stream that verifies size and digest as it is read and errors (never ends cleanly) on a mismatch. */
  fetch(descriptor: Descriptor): Promise<Readable>;
  /** Reads a small blob whole (capped), verified. */
  fetchBytes(descriptor: Descriptor, maxBytes?: number): Promise<Buffer>;
  /**
   * Uploads a blob. Skips when it already exists. Monolithic below the chunk threshold, chunked above;
   * resumes after a lost connection. The registry's computed digest must equal `expected.digest`.
   */
  push(expected: Descriptor, source: BlobSource, options?: BlobPushOptions): Promise<void>;
  /**
   * Uploads a blob whose digest is not known yet, hashing it as it streams (one read of the source):
   * PATCHes, then a closing PUT with the computed digest, which the registry verifies against what it
   * received. Never skips (the digest is only known at the end; the registry keeps one copy). Resumes
   * after a lost connection like `push`. Returns the descriptor of what was stored.
   */
  pushComputed(
    shape: { mediaType: string; size: number; annotations?: Record<string, string> },
    source: () => Readable,
    options?: BlobPushOptions,
  ): Promise<Descriptor>;
  /** Cross-repository mount; false when the registry refused it (the caller then copies). */
  mount(descriptor: Descriptor, fromRepository: string): Promise<boolean>;
  delete(digest: Digest): Promise<void>;
}

export interface BlobPushOptions {
  /** Bytes per PATCH for chunked uploads; given here, blobs larger than it are chunked. */
  chunkSize?: number;
  /** Called with the number of bytes the registry has accepted so far. */
  onProgress?: (bytesDone: number) => void;
  signal?: AbortSignal;
}

export interface ManifestStore {
  /** Digest, media type and size of a tag or digest (HEAD, falling back to GET). */
  resolve(reference: string): Promise<Descriptor>;
  /** Fetches, verifies the digest (when known), caps size; rejects unknown media types. */
  fetch(reference: string): Promise<FetchedManifest>;
  exists(reference: string): Promise<Descriptor | undefined>;
  /** Pushes exact bytes, by `tag` when given, else by digest. Returns the descriptor of what was pushed. */
  push(mediaType: string, bytes: Buffer, tag?: string): Promise<Descriptor>;
  delete(digest: Digest): Promise<void>;
}

export interface Repository {
  /** Registry host as written in references (`docker.io`, `harbor.lab:8443`). */
  readonly registry: string;
  /** Repository path (`library/alpine`, `team/app`). */
  readonly name: string;
  readonly blobs: BlobStore;
  readonly manifests: ManifestStore;
  /** Every tag, following `Link` pagination. */
  listTags(options?: { pageSize?: number }): Promise<string[]>;
  /** Referrers of `subject`: the referrers API, falling back to the `sha256-<hex>` tag schema. */
  referrers(subject: Digest, artifactType?: string): Promise<Descriptor[]>;
}
