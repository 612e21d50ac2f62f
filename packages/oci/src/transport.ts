import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import type { Logger } from '@sovereign-ci/action-kit';
import { RegistryError, safeUrl } from './registry-error';
import {
  defaultRetryPolicy,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetryPolicy,
} from './retry-policy';

export type RequestBody = Buffer | string | Readable | (() => Readable);

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A function body is called again for every attempt; a bare stream is never retried. */
  body?: RequestBody;
  /** Follow 3xx, dropping Authorization on hops to another origin. */
  followRedirects?: boolean;
  /** Apply the retry policy (default true; always false for a bare stream body). */
  retry?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The URL finally answered (after redirects). */
  url: string;
}

export interface TransportOptions {
  caFile?: string;
  timeoutMs?: number;
  retries?: number;
  userAgent?: string;
  logger?: Logger;
}

/** A response header as one string (repeated headers joined with ", "). */
export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

const MAX_REDIRECTS = 5;

/** The single HTTP path of the client: TLS trust, timeouts, user agent, retries, redirects. */
export class Transport {
  readonly policy: RetryPolicy;
  private readonly agent: Agent;
  private readonly userAgent: string;
  private readonly logger: Logger | undefined;

  constructor(options: TransportOptions = {}) {
    const timeout = options.timeoutMs ?? 60_000;
    const ca = options.caFile ? [...rootCertificates, readFileSync(options.caFile, 'utf8')] : undefined;
    this.agent = new Agent({
      connect: { ...(ca ? { ca } : {}), timeout: Math.min(timeout, 30_000) },
      headersTimeout: timeout,
      bodyTimeout: timeout,
      keepAliveTimeout: 10_000,
    });
    this.policy = {
      ...defaultRetryPolicy,
      ...(options.retries === undefined ? {} : { retries: options.retries }),
    };
    this.userAgent = options.userAgent ?? 'sovereign-ci';
    this.logger = options.logger;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const oneShot = req.body instanceof Readable;
    const mayRetry = req.retry !== false && !oneShot;
    let url = new URL(req.url);
    let method = req.method;
    let headers: Record<string, string> = { 'user-agent': this.userAgent, ...lower(req.headers ?? {}) };
    let body = req.body;
    let redirects = 0;
    for (let attempt = 0; ;) {
      let res: Dispatcher.ResponseData;
      try {
        res = await this.agent.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: method as Dispatcher.HttpMethod,
          headers,
          body: typeof body === 'function' ? body() : (body ?? null),
          ...(req.signal ? { signal: req.signal } : {}),
        });
      } catch (error) {
        if (mayRetry && attempt < this.policy.retries && isRetryableError(error) && !req.signal?.aborted) {
          await this.wait(method, url, describe(error), attempt++, undefined, req.signal);
          continue;
        }
        throw networkError(method, url, error);
      }
      const location = res.headers.location;
      if (
        req.followRedirects &&
        res.statusCode >= 300 &&
        res.statusCode < 400 &&
        typeof location === 'string'
      ) {
        await res.body.dump();
        if (++redirects > MAX_REDIRECTS) {
          throw new RegistryError(`too many redirects for ${method} ${safeUrl(req.url)}`, {
            code: 'TOO_MANY_REDIRECTS',
            method,
            url: req.url,
          });
        }
        const next = new URL(location, url);
        if (next.origin !== url.origin) headers = withoutAuth(headers);
        if (res.statusCode === 303) {
          method = 'GET';
          body = undefined;
        }
        url = next;
        continue;
      }
      if (mayRetry && attempt < this.policy.retries && isRetryableStatus(res.statusCode)) {
        const after = parseRetryAfter(header(asResponse(res, url), 'retry-after'));
        if (after === undefined || after <= this.policy.maxRetryAfterMs) {
          await res.body.dump();
          await this.wait(method, url, `HTTP ${res.statusCode}`, attempt++, after, req.signal);
          continue;
        }
      }
      return asResponse(res, url);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async wait(
    method: string,
    url: URL,
    why: string,
    attempt: number,
    after?: number,
    signal?: AbortSignal,
  ) {
    const ms = retryDelay(this.policy, attempt, after);
    this.logger?.info(
      `${method} ${url.host}${url.pathname}: ${why}; retry ${attempt + 1}/${this.policy.retries} in ${(ms / 1000).toFixed(1)}s`,
    );
    await sleep(ms, signal);
  }
}

function asResponse(res: Dispatcher.ResponseData, url: URL): HttpResponse {
  return { status: res.statusCode, headers: res.headers, body: res.body, url: url.toString() };
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function withoutAuth(h: Record<string, string>): Record<string, string> {
  const out = { ...h };
  delete out.authorization;
  delete out.cookie;
  return out;
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(error);
}

function networkError(method: string, url: URL, error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  const why = describe(error);
  const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(why);
  // An answer that is not TLS at all: a plain-HTTP server (or a proxy speaking HTTP) on that port.
  const notTls = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/i.test(why);
  const hint = notTls
    ? ` — ${url.host} does not answer with TLS; if it serves plain HTTP on purpose, list it as an insecure registry`
    : tls
      ? ` — the certificate of ${url.host} is not trusted; pass its CA with ca-file`
      : ` — is ${url.host} up and reachable from here?`;
  return new RegistryError(`cannot reach ${url.host} (${method} ${url.pathname}): ${why}${hint}`, {
    code: tls ? 'TLS_ERROR' : 'NETWORK_ERROR',
    method,
    url: url.toString(),
    cause: error,
  });
}
