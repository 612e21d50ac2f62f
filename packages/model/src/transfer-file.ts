import { Readable } from 'node:stream';
import { digestOf, lazyStream, type Repository } from '@sovereign-ci/oci';
import type { ByteBudget } from './byte-budget';
import type { DigestCache, ModelFile } from './types';
import { ContentMismatchError, gitBlobId, hashStream, readAll, verifyingStream } from './verify-stream';

/** Files without a published digest up to this size are read into memory and hashed before upload. */
export const SMALL_FILE_LIMIT = 16 * 1024 * 1024;
/** Memory all concurrent transfers may hold in small files read whole (mirrorModel's default). */
export const SMALL_FILE_BUDGET = 64 * 1024 * 1024;

export interface TransferContext {
  repo: Repository;
  /** Where the content comes from, for messages ("huggingface.co", "the directory"). */
  origin: string;
  chunkSize?: number;
  cache?: DigestCache;
  signal?: AbortSignal;
  /** Bytes handed to the registry as they go. */
  onBytes?: (n: number) => void;
  /**
   * Runs the hashing pass of a large local file. Mirroring passes a gate of one, so the next file is
   * hashed while the previous ones upload instead of every file hashing at once.
   */
  hashGate?: <T>(task: () => Promise<T>) => Promise<T>;
  /** Shared cap on the bytes of small files held in memory at once (from read to end of upload). */
  memory?: ByteBudget;
}

export interface TransferResult {
  digest: string;
  /** False when the registry already had the blob. */
  uploaded: boolean;
  /** Bytes read from the source and handed to the registry (restarts included). */
  sentBytes: number;
}

/**
 * One file into one blob, streamed. A large local file not in the digest cache is hashed while it
 * uploads (the registry checks the computed digest at commit) and its digest is then cached. Otherwise
 * the digest comes first — published by the source (Hugging Face LFS), remembered in the cache, or
 * computed (in memory for small files, by a reading pass for large files) — so a blob the registry
 * already has is skipped. Content from the network is verified again on the way (wrong
 * bytes make the upload fail before its last chunk); the registry checks the digest once more when it
 * commits, which is all a local file re-read after hashing needs.
 */
export async function transferFile(file: ModelFile, ctx: TransferContext): Promise<TransferResult> {
  const held: (() => void)[] = [];
  try {
    return await transfer(file, ctx, held);
  } finally {
    for (const release of held) release();
  }
}

async function transfer(
  file: ModelFile,
  ctx: TransferContext,
  held: (() => void)[],
): Promise<TransferResult> {
  const what = `${file.path} from ${ctx.origin}`;
  let sentBytes = 0;
  let uploaded = false;
  let mismatch: ContentMismatchError | undefined;
  const count = (n: number) => {
    sentBytes += n;
    ctx.onBytes?.(n);
  };
  const verified = (digest: string) => () => {
    uploaded = true;
    return lazyStream(async () =>
      verifyingStream(await file.open(ctx.signal), {
        digest,
        size: file.size,
        what,
        onBytes: count,
        onMismatch: (e) => (mismatch = e),
      }),
    );
  };

  // Local content we hashed ourselves (now or in an earlier run) is not hashed a second time: the
  // registry computes the digest of what it receives and refuses the upload when it differs.
  const counted = () => () => {
    uploaded = true;
    return lazyStream(async () => countingStream(await file.open(ctx.signal), count));
  };

  let digest: string;
  let source: () => Readable;
  const cached = file.cacheKey ? ctx.cache?.get(file.cacheKey) : undefined;
  if (onePass(file, ctx, cached)) {
    const once = () => {
      uploaded = true;
      return lazyStream(async () =>
        countingStream(
          exactLength(await file.open(ctx.signal), file.size, what, (e) => (mismatch = e)),
          count,
        ),
      );
    };
    let stored;
    try {
      stored = await ctx.repo.blobs.pushComputed(
        { mediaType: 'application/octet-stream', size: file.size },
        once,
        {
          ...(ctx.chunkSize ? { chunkSize: ctx.chunkSize } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
    } catch (error) {
      throw mismatch ?? error;
    }
    if (file.cacheKey) ctx.cache?.set(file.cacheKey, stored.digest);
    return { digest: stored.digest, uploaded, sentBytes };
  }
  if (file.publishedDigest) {
    digest = file.publishedDigest;
    source = verified(digest);
  } else if (cached) {
    digest = cached;
    // a network file (it has a git id) is checked on the way again; a local one by the registry
    source = file.gitOid ? verified(digest) : counted();
  } else if (file.size <= SMALL_FILE_LIMIT) {
    if (ctx.memory) held.push(await ctx.memory.acquire(file.size));
    const bytes = await readAll(await file.open(ctx.signal), SMALL_FILE_LIMIT, what);
    if (bytes.length !== file.size) {
      throw new ContentMismatchError(`${what} is ${bytes.length} bytes; ${file.size} were listed for it`);
    }
    if (file.gitOid && gitBlobId(bytes) !== file.gitOid) {
      throw new ContentMismatchError(
        `${what} does not match its published git blob id ${file.gitOid}; refusing it`,
      );
    }
    digest = digestOf(bytes);
    source = () => {
      uploaded = true;
      count(bytes.length);
      return Readable.from([bytes]);
    };
  } else {
    const hash = async () => hashStream(await file.open(ctx.signal), file.gitOid ? file.size : undefined);
    const hashed = await (ctx.hashGate ? ctx.hashGate(hash) : hash());
    if (hashed.size !== file.size) {
      throw new ContentMismatchError(`${what} is ${hashed.size} bytes; ${file.size} were listed for it`);
    }
    if (file.gitOid && hashed.gitOid !== file.gitOid) {
      throw new ContentMismatchError(
        `${what} does not match its published git blob id ${file.gitOid}; refusing it`,
      );
    }
    digest = hashed.digest;
    source = file.gitOid ? verified(digest) : counted();
  }
  if (file.cacheKey && !file.publishedDigest) ctx.cache?.set(file.cacheKey, digest);

  try {
    await ctx.repo.blobs.push({ mediaType: 'application/octet-stream', digest, size: file.size }, source, {
      ...(ctx.chunkSize ? { chunkSize: ctx.chunkSize } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    throw mismatch ?? error;
  }
  return { digest, uploaded, sentBytes };
}

/**
 * A large local file seen for the first time, with a digest cache to remember it in: hashed while it
 * uploads (one read instead of two). Without a cache the registry is the only memory, so the file is
 * hashed first and a blob already there is skipped (a final run after shard runs uploads nothing).
 */
function onePass(file: ModelFile, ctx: TransferContext, cached: string | undefined): boolean {
  return (
    !file.publishedDigest &&
    !file.gitOid &&
    !cached &&
    file.cacheKey !== undefined &&
    ctx.cache !== undefined &&
    file.size > SMALL_FILE_LIMIT
  );
}

/** Passes exactly `size` bytes; a source that ends early or goes on past them fails. */
function exactLength(
  source: Readable,
  size: number,
  what: string,
  onMismatch: (e: ContentMismatchError) => void,
): Readable {
  const fail = (got: string) => {
    const error = new ContentMismatchError(`${what} is ${got} bytes; ${size} were listed for it`);
    onMismatch(error);
    return error;
  };
  async function* read(): AsyncGenerator<Buffer> {
    const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let total = 0;
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) {
          if (total !== size) throw fail(String(total));
          return;
        }
        total += next.value.length;
        if (total > size) throw fail(`more than ${size}`);
        // look one read ahead at the end, so a file that grew is noticed before its last byte goes out
        if (total === size) {
          const more = await it.next();
          if (!more.done && more.value.length > 0) throw fail(`more than ${size}`);
        }
        yield next.value;
      }
    } finally {
      source.destroy();
    }
  }
  return Readable.from(read(), { objectMode: false, highWaterMark: 1 << 20 });
}

function countingStream(source: Readable, count: (n: number) => void): Readable {
  async function* read(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      count((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  }
  return Readable.from(read(), { objectMode: false, highWaterMark: 1 << 20 });
}
