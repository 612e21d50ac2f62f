import { Readable } from 'node:stream';
import type { BlobPushOptions, BlobSource, Descriptor } from './types';
import { retryDelay, sleep } from './retry-policy';
import { SourceCursor } from './source-cursor';
import {
  brief,
  checkStoredDigest,
  isDigestInvalid,
  patchChunk,
  restartable,
  ResumeImpossible,
  startUpload,
  uploadStatus,
  withQuery,
  type UploadContext,
  type UploadSession,
} from './upload-session';

export type { UploadContext } from './upload-session';

/** Bytes per PATCH of a chunked upload: a lost connection costs at most this much again. */
export const DEFAULT_CHUNK_SIZE = 128 * 1024 * 1024;
/**
 * Blobs up to this size go in one streamed PUT; a lost connection restarts them from byte 0, which
 * costs a second or two at LAN speed. Above it, chunked uploads resume from the registry's offset.
 * Against distribution 2.8 on local disk, 128 MiB chunks pushed 1 GiB about as fast as one PUT
 * (64 MiB chunks ran 25–30 % slower: each PATCH is committed on its own).
 */
export const DEFAULT_MONOLITHIC_THRESHOLD = 256 * 1024 * 1024;

/**
 * Uploads `source` as `expected`: monolithic (POST + PUT) up to the monolithic threshold, chunked
 * (POST, PATCH…, PUT) above it. A chunk lost mid-way resumes at the offset the registry reports;
 * the session restarts from byte 0 only when the registry cannot resume. The closing PUT carries the
 * digest, so the registry itself refuses anything that is not exactly `expected`.
 */
export async function uploadBlob(
  ctx: UploadContext,
  expected: Descriptor,
  source: BlobSource,
  options: BlobPushOptions = {},
): Promise<void> {
  const cursor = new SourceCursor(source, expected.size);
  const policy = ctx.session.transport.policy;
  const chunkSize = Math.max(1, options.chunkSize ?? ctx.chunkSize);
  // An explicit per-push chunk size asks for chunking above it.
  const threshold = options.chunkSize ?? ctx.monolithicThreshold ?? DEFAULT_MONOLITHIC_THRESHOLD;
  let restarts = 0;
  const resumed = { value: false };
  try {
    for (;;) {
      const session = await startUpload(ctx, options.signal);
      resumed.value = false;
      try {
        const chunk = Math.max(chunkSize, session.minChunk);
        if (expected.size <= Math.max(chunk, threshold)) {
          await finish(ctx, session.location, expected, { cursor, start: 0 }, options);
        } else {
          const location = await sendChunks(ctx, session, expected, cursor, chunk, options, resumed);
          await finish(ctx, location, expected, undefined, options);
        }
        options.onProgress?.(expected.size);
        return;
      } catch (error) {
        const retry = restartable(error) || (resumed.value && isDigestInvalid(error));
        if (!retry || restarts >= policy.retries || options.signal?.aborted) throw error;
        restarts++;
        ctx.logger?.info(
          `upload of ${expected.digest} to ${ctx.session.registry}/${ctx.name} failed (${brief(error)}); restarting it`,
        );
        await sleep(retryDelay(policy, restarts), options.signal);
      }
    }
  } finally {
    cursor.close();
  }
}

async function sendChunks(
  ctx: UploadContext,
  session: UploadSession,
  expected: Descriptor,
  cursor: SourceCursor,
  chunkSize: number,
  options: BlobPushOptions,
  resumed: { value: boolean },
): Promise<string> {
  const policy = ctx.session.transport.policy;
  let location = session.location;
  let offset = 0;
  let resumes = 0;
  while (offset < expected.size) {
    const end = Math.min(expected.size, offset + chunkSize);
    try {
      const sent = await patchChunk(
        ctx,
        location,
        { offset, end },
        cursor.range(offset, end),
        `blob upload chunk ${offset}-${end - 1} of ${expected.digest} to ${ctx.name}`,
        options.signal,
      );
      location = sent.location;
      offset = sent.heldUpTo;
      options.onProgress?.(offset);
      resumes = 0;
    } catch (error) {
      if (!restartable(error) || resumes >= policy.retries || options.signal?.aborted) throw error;
      resumes++;
      await sleep(retryDelay(policy, resumes), options.signal);
      const status = await uploadStatus(ctx, location);
      if (!status) throw new ResumeImpossible(error);
      ctx.logger?.info(
        `chunk ${offset}-${end - 1} of ${expected.digest} failed (${brief(error)}); resuming at byte ${status.offset}`,
      );
      location = status.location;
      offset = status.offset;
      resumed.value = true;
    }
  }
  return location;
}

async function finish(
  ctx: UploadContext,
  location: string,
  expected: Descriptor,
  body: { cursor: SourceCursor; start: number } | undefined,
  options: BlobPushOptions,
): Promise<void> {
  const res = await ctx.session.request({
    method: 'PUT',
    path: withQuery(location, 'digest', expected.digest),
    scopes: [`repository:${ctx.name}:pull,push`],
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(body ? expected.size - body.start : 0),
    },
    ...(body
      ? { body: Readable.from(body.cursor.range(body.start, expected.size), { objectMode: false }) }
      : { body: Buffer.alloc(0) }),
    what: `blob ${expected.digest} to ${ctx.name}`,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await res.body.dump();
  checkStoredDigest(ctx, res, expected.digest);
}
