import { Readable } from 'node:stream';
import type { Logger } from '@sovereign-ci/action-kit';
import type { BlobPushOptions, BlobSource, Descriptor } from './types';
import { RegistryError } from './registry-error';
import type { RegistrySession } from './registry-session';
import { isRetryableError, isRetryableStatus, retryDelay, sleep } from './retry-policy';
import { SourceCursor } from './source-cursor';
import { header, type HttpResponse } from './transport';

/** Bytes per PATCH of a chunked upload: a lost connection costs at most this much again. */
export const DEFAULT_CHUNK_SIZE = 128 * 1024 * 1024;
/**
 * Blobs up to this size go in one streamed PUT; a lost connection restarts them from byte 0, which
 * costs a second or two at LAN speed. Above it, chunked uploads resume from the registry's offset.
 * Against distribution 2.8 on local disk, 128 MiB chunks pushed 1 GiB about as fast as one PUT
 * (64 MiB chunks ran 25–30 % slower: each PATCH is committed on its own).
 */
export const DEFAULT_MONOLITHIC_THRESHOLD = 256 * 1024 * 1024;

export interface UploadContext {
  session: RegistrySession;
  name: string;
  chunkSize: number;
  /** Largest blob sent in one PUT (default DEFAULT_MONOLITHIC_THRESHOLD). */
  monolithicThreshold?: number;
  logger?: Logger;
}

interface UploadSession {
  location: string;
  minChunk: number;
}

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

async function startUpload(ctx: UploadContext, signal?: AbortSignal): Promise<UploadSession> {
  const res = await ctx.session.request({
    method: 'POST',
    path: `/v2/${ctx.name}/blobs/uploads/`,
    scopes: [`repository:${ctx.name}:pull,push`],
    headers: { 'content-length': '0' },
    what: `blob upload to ${ctx.name}`,
    ...(signal ? { signal } : {}),
  });
  await res.body.dump();
  return { location: locationOf(ctx, res), minChunk: Number(header(res, 'oci-chunk-min-length') ?? 0) || 0 };
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
      const res = await ctx.session.request({
        method: 'PATCH',
        path: location,
        scopes: [`repository:${ctx.name}:pull,push`],
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `${offset}-${end - 1}`,
          'content-length': String(end - offset),
        },
        body: Readable.from(cursor.range(offset, end), { objectMode: false }),
        what: `blob upload chunk ${offset}-${end - 1} of ${expected.digest} to ${ctx.name}`,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      await res.body.dump();
      location = locationOf(ctx, res, location);
      const reported = rangeEnd(res);
      offset = reported !== undefined && reported > offset ? reported : end;
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
  const got = header(res, 'docker-content-digest');
  if (got && got !== expected.digest) {
    throw new RegistryError(
      `${ctx.session.registry} stored blob ${expected.digest} in ${ctx.name} under a different digest (${got})`,
      { code: 'DIGEST_MISMATCH', method: 'PUT', url: res.url },
    );
  }
}

/** GET on the upload URL: how much the registry holds. Undefined when the session is gone. */
async function uploadStatus(
  ctx: UploadContext,
  location: string,
): Promise<{ location: string; offset: number } | undefined> {
  try {
    const res = await ctx.session.request({
      method: 'GET',
      path: location,
      scopes: [`repository:${ctx.name}:pull,push`],
      allowStatus: [404, 400, 416],
    });
    await res.body.dump();
    if (res.status !== 204 && res.status !== 200) return undefined;
    return { location: locationOf(ctx, res, location), offset: rangeEnd(res) ?? 0 };
  } catch {
    return undefined;
  }
}

class ResumeImpossible extends Error {
  constructor(cause: unknown) {
    super('the registry cannot resume this upload', { cause });
  }
}

/** Worth a fresh attempt: lost connections, 5xx, expired or confused upload sessions. */
function restartable(error: unknown): boolean {
  if (error instanceof ResumeImpossible) return true;
  if (error instanceof RegistryError) {
    if (error.status !== undefined) {
      return (
        isRetryableStatus(error.status) ||
        error.status === 416 ||
        error.registryCodes.includes('BLOB_UPLOAD_UNKNOWN')
      );
    }
    return error.code === 'NETWORK_ERROR' && isRetryableError(error);
  }
  return isRetryableError(error);
}

/** The registry refused the closing PUT because the bytes it holds do not hash to the digest. */
function isDigestInvalid(error: unknown): boolean {
  return error instanceof RegistryError && error.registryCodes.includes('DIGEST_INVALID');
}

function brief(error: unknown): string {
  const e = error as { status?: number; code?: string; cause?: { code?: string } };
  return e.status ? `HTTP ${e.status}` : (e.cause?.code ?? e.code ?? String(error));
}

function locationOf(ctx: UploadContext, res: HttpResponse, previous?: string): string {
  const location = header(res, 'location');
  if (location) return location;
  if (previous) return previous;
  throw new RegistryError(
    `${ctx.session.registry} started an upload to ${ctx.name} without a Location header`,
    {
      code: 'PROTOCOL_ERROR',
      url: res.url,
    },
  );
}

/**
 * Next offset from a `Range: 0-<last>` header. distribution writes `0-0` for an empty upload as
 * well as for one byte; we read it as empty (a one-byte surplus is caught by the digest at PUT).
 */
function rangeEnd(res: HttpResponse): number | undefined {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(header(res, 'range') ?? '');
  if (!m) return undefined;
  return m[1] === '0' ? 0 : Number(m[1]) + 1;
}

function withQuery(location: string, key: string, value: string): string {
  const absolute = /^https?:\/\//.test(location);
  const url = new URL(location, 'http://relative.invalid');
  url.searchParams.set(key, value);
  return absolute ? url.toString() : `${url.pathname}${url.search}`;
}
