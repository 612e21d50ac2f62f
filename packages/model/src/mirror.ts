import { createProgress, mapLimit, type Logger } from '@sovereign-ci/action-kit';
import type { Descriptor, Repository } from '@sovereign-ci/oci';
import { selectFiles, shardFiles, type Shard } from './file-selection';
import { buildLayout, type ModelFormat } from './layout';
import { modelPackMediaType, ORAS_FILE_MEDIA_TYPE } from './media-types';
import { byteBudget } from './byte-budget';
import { SMALL_FILE_BUDGET, transferFile } from './transfer-file';
import type { DigestCache, ModelSource } from './types';

export interface MirrorOptions {
  format?: ModelFormat;
  /** artifactType of an `oras` manifest. */
  artifactType?: string;
  /** Tag for the manifest; pushed by digest when absent. */
  tag?: string;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Push only this shard's files and no manifest. */
  shard?: Shard;
  /** Files transferred at once (default 4). */
  concurrency?: number;
  /** Bytes per PATCH of a chunked upload (files up to this size go in one request). */
  chunkSize?: number;
  cache?: DigestCache;
  /** `org.opencontainers.image.created`; default: the source's last change, else now. */
  created?: string;
  logger: Logger;
  signal?: AbortSignal;
  /** Called as each file finishes (for tests and progress). */
  onFile?: (file: MirroredFile) => void;
}

export interface MirroredFile {
  path: string;
  size: number;
  digest?: string;
  mediaType: string;
  status: 'uploaded' | 'exists' | 'failed';
  sentBytes: number;
  error?: string;
}

export interface MirrorResult {
  files: MirroredFile[];
  /** The pushed manifest (absent for a shard run). */
  manifest?: Descriptor;
  bytes: number;
  uploadedBytes: number;
}

/** Some files could not be mirrored; nothing was published. */
export class MirrorError extends Error {
  constructor(
    message: string,
    readonly result: MirrorResult,
  ) {
    super(message);
    this.name = 'MirrorError';
  }
}

/**
 * Mirrors a model into `repo`: every selected file becomes one blob (streamed, verified), then — when
 * every file made it and this is not a shard run — the config and the manifest are pushed. Blobs the
 * registry already has are skipped, so a re-run sends only what is missing.
 */
export async function mirrorModel(
  source: ModelSource,
  repo: Repository,
  options: MirrorOptions,
): Promise<MirrorResult> {
  const format = options.format ?? 'modelpack';
  const all = selectFiles(source.files, options.include ?? [], options.exclude ?? []);
  if (all.length === 0) throw new Error(`no files of ${source.name} match include/exclude`);
  const files = options.shard ? shardFiles(all, options.shard) : all;
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const label = options.shard
    ? `${source.name} shard ${options.shard.index}/${options.shard.count}`
    : source.name;
  options.logger.info(
    `${label}: ${files.length} files, ${totalBytes} bytes to ${repo.registry}/${repo.name}`,
  );
  const progress = createProgress({ label, logger: options.logger, totalBytes, totalItems: files.length });
  const origin =
    source.kind === 'huggingface' ? (source.url ? new URL(source.url).host : 'the Hub') : 'the directory';
  const mediaTypeOf = (p: string) => (format === 'modelpack' ? modelPackMediaType(p) : ORAS_FILE_MEDIA_TYPE);

  const hashGate = gate(1);
  const memory = byteBudget(SMALL_FILE_BUDGET);
  let results: MirroredFile[];
  try {
    results = await mapLimit(files, Math.max(1, options.concurrency ?? 4), async (file) => {
      options.signal?.throwIfAborted();
      const base = { path: file.path, size: file.size, mediaType: mediaTypeOf(file.path) };
      let done: MirroredFile;
      try {
        const r = await transferFile(file, {
          repo,
          origin,
          ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
          ...(options.cache ? { cache: options.cache } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          onBytes: (n) => progress.add(n),
          hashGate,
          memory,
        });
        if (!r.uploaded) progress.add(file.size);
        done = {
          ...base,
          digest: r.digest,
          status: r.uploaded ? 'uploaded' : 'exists',
          sentBytes: r.sentBytes,
        };
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        const message = error instanceof Error ? error.message : String(error);
        options.logger.warning(`${file.path}: ${message}`);
        done = { ...base, status: 'failed', sentBytes: 0, error: message };
      }
      progress.add(0, 1);
      options.onFile?.(done);
      return done;
    });
  } finally {
    progress.done();
  }

  const result: MirrorResult = {
    files: results,
    bytes: totalBytes,
    uploadedBytes: results.reduce((n, f) => n + f.sentBytes, 0),
  };
  const failed = results.filter((f) => f.status === 'failed');
  if (failed.length > 0) {
    const list = failed.map((f) => `  ${f.path}: ${f.error ?? 'failed'}`).join('\n');
    throw new MirrorError(
      `${failed.length} of ${results.length} files could not be mirrored; nothing was published:\n${list}`,
      result,
    );
  }
  if (options.shard) return result;

  const layout = buildLayout(
    results.map((f) => ({ path: f.path, digest: f.digest as string, size: f.size })),
    {
      format,
      ...(options.artifactType ? { artifactType: options.artifactType } : {}),
      name: source.name,
      ...(source.url ? { sourceUrl: source.url } : {}),
      ...(source.revision ? { revision: source.revision } : {}),
      created: options.created ?? source.created ?? new Date().toISOString(),
    },
  );
  await repo.blobs.push(layout.config.descriptor, layout.config.bytes);
  result.manifest = await repo.manifests.push(
    layout.manifest.mediaType as string,
    layout.manifestBytes,
    options.tag,
  );
  options.logger.info(
    `pushed ${repo.registry}/${repo.name}@${result.manifest.digest}${options.tag ? ` (${options.tag})` : ''}`,
  );
  return result;
}

/** At most `n` tasks at once, in call order. */
function gate(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      // hand the slot straight to the next waiter, so no newcomer slips in between
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
