import { Readable } from 'node:stream';
import type { Logger } from '@sovereign-ci/action-kit';
import { RegistryError } from './registry-error';
import type { RegistrySession } from './registry-session';
import { isRetryableError, isRetryableStatus } from './retry-policy';
import { header, type HttpResponse } from './transport';

export interface UploadContext {
  session: RegistrySession;
  name: string;
  chunkSize: number;
  /** Largest blob sent in one PUT (default DEFAULT_MONOLITHIC_THRESHOLD). */
  monolithicThreshold?: number;
  logger?: Logger;
}

export interface UploadSession {
  location: string;
  minChunk: number;
}

/** POST: opens an upload session; its Location and the registry's minimum chunk length. */
export async function startUpload(ctx: UploadContext, signal?: AbortSignal): Promise<UploadSession> {
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

/** GET on the upload URL: how much the registry holds. Undefined when the session is gone. */
export async function uploadStatus(
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

/** Checks the digest a closing PUT was answered with. */
export function checkStoredDigest(ctx: UploadContext, res: HttpResponse, digest: string): void {
  const got = header(res, 'docker-content-digest');
  if (got && got !== digest) {
    throw new RegistryError(
      `${ctx.session.registry} stored blob ${digest} in ${ctx.name} under a different digest (${got})`,
      { code: 'DIGEST_MISMATCH', method: 'PUT', url: res.url },
    );
  }
}

export class ResumeImpossible extends Error {
  constructor(cause: unknown) {
    super('the registry cannot resume this upload', { cause });
  }
}

/** Worth a fresh attempt: lost connections, 5xx, expired or confused upload sessions. */
export function restartable(error: unknown): boolean {
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
export function isDigestInvalid(error: unknown): boolean {
  return error instanceof RegistryError && error.registryCodes.includes('DIGEST_INVALID');
}

export function brief(error: unknown): string {
  const e = error as { status?: number; code?: string; cause?: { code?: string } };
  return e.status ? `HTTP ${e.status}` : (e.cause?.code ?? e.code ?? String(error));
}

export function locationOf(ctx: UploadContext, res: HttpResponse, previous?: string): string {
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
export function rangeEnd(res: HttpResponse): number | undefined {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(header(res, 'range') ?? '');
  if (!m) return undefined;
  return m[1] === '0' ? 0 : Number(m[1]) + 1;
}

export function withQuery(location: string, key: string, value: string): string {
  const absolute = /^https?:\/\//.test(location);
  const url = new URL(location, 'http://relative.invalid');
  url.searchParams.set(key, value);
  return absolute ? url.toString() : `${url.pathname}${url.search}`;
}

/**
 * PATCH: sends bytes [offset, end) of an upload. Returns the session's next Location and how far the
 * registry says it now holds (its Range header; `end` when it does not say).
 */
export async function patchChunk(
  ctx: UploadContext,
  location: string,
  range: { offset: number; end: number },
  body: AsyncIterable<Buffer>,
  what: string,
  signal?: AbortSignal,
): Promise<{ location: string; heldUpTo: number }> {
  const { offset, end } = range;
  const res = await ctx.session.request({
    method: 'PATCH',
    path: location,
    scopes: [`repository:${ctx.name}:pull,push`],
    headers: {
      'content-type': 'application/octet-stream',
      'content-range': `${offset}-${end - 1}`,
      'content-length': String(end - offset),
    },
    body: Readable.from(body, { objectMode: false }),
    what,
    ...(signal ? { signal } : {}),
  });
  await res.body.dump();
  const reported = rangeEnd(res);
  return {
    location: locationOf(ctx, res, location),
    heldUpTo: reported !== undefined && reported > offset ? reported : end,
  };
}
