import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobPushOptions, Descriptor } from './types';
import { DEFAULT_MONOLITHIC_THRESHOLD } from './blob-upload';
import { retryDelay, sleep } from './retry-policy';
import { SourceCursor } from './source-cursor';
import {
  brief,
  checkStoredDigest,
  patchChunk,
  restartable,
  ResumeImpossible,
  startUpload,
  uploadStatus,
  withQuery,
  type UploadContext,
  type UploadSession,
} from './upload-session';

/** What a computed push knows before reading: everything but the digest. */
export interface BlobShape {
  mediaType: string;
  size: number;
  annotations?: Record<string, string>;
}

/** A hash state covering exactly the bytes [0, at) of the blob. */
interface Snapshot {
  hash: Hash;
  at: number;
}

/**
 * Uploads `source` (exactly `shape.size` bytes) while hashing it: POST, then PATCHes (one for blobs up
 * to the monolithic threshold, `chunkSize` each above it), then an empty closing PUT naming the digest
 * computed from the bytes that went out. The registry hashes what it received and refuses the PUT when
 * the two differ, so nothing unverified is published. A PATCH lost mid-way resumes at the registry's
 * offset: the hash state saved at the chunk's start is copied and fed the bytes up to that offset again
 * (after checking that the reopened source still starts with the bytes already sent).
 * The session restarts from byte 0 (bounded by the retry budget) only when the registry cannot resume.
 */
export async function uploadComputed(
  ctx: UploadContext,
  shape: BlobShape,
  source: () => Readable,
  options: BlobPushOptions = {},
): Promise<Descriptor> {
  const cursor = new SourceCursor(source, shape.size);
  const policy = ctx.session.transport.policy;
  const chunkSize = Math.max(1, options.chunkSize ?? ctx.chunkSize);
  const threshold = options.chunkSize ?? ctx.monolithicThreshold ?? DEFAULT_MONOLITHIC_THRESHOLD;
  let restarts = 0;
  try {
    for (;;) {
      const session = await startUpload(ctx, options.signal);
      try {
        const chunk = Math.max(chunkSize, session.minChunk);
        const step = shape.size <= Math.max(chunk, threshold) ? Math.max(1, shape.size) : chunk;
        const sent = await sendHashed(ctx, session, shape.size, cursor, step, options);
        const digest = `sha256:${sent.hash.digest('hex')}`;
        await commit(ctx, sent.location, digest, options);
        options.onProgress?.(shape.size);
        return { ...shape, digest };
      } catch (error) {
        if (!restartable(error) || restarts >= policy.retries || options.signal?.aborted) throw error;
        restarts++;
        ctx.logger?.info(
          `upload of ${shape.size} bytes to ${ctx.session.registry}/${ctx.name} failed (${brief(error)}); restarting it`,
        );
        await sleep(retryDelay(policy, restarts), options.signal);
      }
    }
  } finally {
    cursor.close();
  }
}

async function sendHashed(
  ctx: UploadContext,
  session: UploadSession,
  size: number,
  cursor: SourceCursor,
  step: number,
  options: BlobPushOptions,
): Promise<{ location: string; hash: Hash }> {
  const policy = ctx.session.transport.policy;
  let location = session.location;
  let saved: Snapshot = { hash: createHash('sha256'), at: 0 };
  let resumes = 0;
  while (saved.at < size) {
    const offset = saved.at;
    const end = Math.min(size, offset + step);
    const work = saved.hash.copy();
    try {
      const sent = await patchChunk(
        ctx,
        location,
        { offset, end },
        hashing(cursor.range(offset, end), work),
        `blob upload chunk ${offset}-${end - 1} to ${ctx.name}`,
        options.signal,
      );
      location = sent.location;
      const next = Math.min(sent.heldUpTo, end);
      saved = next === end ? { hash: work, at: end } : await advance(saved, next, cursor);
      options.onProgress?.(saved.at);
      resumes = 0;
    } catch (error) {
      if (!restartable(error) || resumes >= policy.retries || options.signal?.aborted) throw error;
      resumes++;
      await sleep(retryDelay(policy, resumes), options.signal);
      const status = await uploadStatus(ctx, location);
      // the registry may only hold more than the last snapshot, never less, and never past this chunk
      if (!status || status.offset < saved.at || status.offset > end) throw new ResumeImpossible(error);
      ctx.logger?.info(
        `chunk ${offset}-${end - 1} to ${ctx.name} failed (${brief(error)}); resuming at byte ${status.offset}`,
      );
      location = status.location;
      saved = await advance(saved, status.offset, cursor);
    }
  }
  return { location, hash: saved.hash };
}

/**
 * The hash state at `to`: a copy of `from` fed the source's bytes [from.at, to) again. Going back means
 * reopening the source, which reads [0, from.at) once more; those bytes were sent already, so they are
 * hashed too and must match `from` — a source that changed is refused rather than stitched together.
 */
async function advance(from: Snapshot, to: number, cursor: SourceCursor): Promise<Snapshot> {
  const reread = createHash('sha256');
  for await (const piece of cursor.range(0, from.at)) reread.update(piece);
  if (reread.digest('hex') !== from.hash.copy().digest('hex')) throw new SourceChangedError(from.at);
  const hash = from.hash.copy();
  for await (const piece of cursor.range(from.at, to)) hash.update(piece);
  return { hash, at: to };
}

/** The source's first bytes differ from the ones already sent: the upload cannot resume with it. */
export class SourceChangedError extends Error {
  constructor(at: number) {
    super(`the blob source changed during the upload: its first ${at} bytes differ from those already sent`);
    this.name = 'SourceChangedError';
  }
}

async function* hashing(pieces: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const piece of pieces) {
    hash.update(piece);
    yield piece;
  }
}

/** The closing PUT: no body, the digest we computed; the registry checks it against what it holds. */
async function commit(
  ctx: UploadContext,
  location: string,
  digest: string,
  options: BlobPushOptions,
): Promise<void> {
  const res = await ctx.session.request({
    method: 'PUT',
    path: withQuery(location, 'digest', digest),
    scopes: [`repository:${ctx.name}:pull,push`],
    headers: { 'content-type': 'application/octet-stream', 'content-length': '0' },
    body: Buffer.alloc(0),
    what: `blob ${digest} to ${ctx.name}`,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await res.body.dump();
  checkStoredDigest(ctx, res, digest);
}
