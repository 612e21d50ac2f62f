import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from '@sovereign-ci/action-kit';
import { isLoopback } from '@sovereign-ci/oci';
import { HuggingFaceError, hubFailure } from './hf-error';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

export interface HubClientOptions {
  /** Hub base URL (`https://huggingface.co`, or an internal mirror). */
  endpoint?: string;
  token?: string;
  logger?: Logger;
  userAgent?: string;
  timeoutMs?: number;
  retries?: number;
}

export interface HubResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  url: string;
}

const MAX_REDIRECTS = 10;
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * HTTP to the Hub. Redirects are followed by hand: the token goes to the endpoint's origin only, never
 * to the CDN a download redirects to.
 */
export class HubClient {
  readonly endpoint: URL;
  private readonly agent: Agent;
  private readonly token: string | undefined;
  private readonly userAgent: string;
  private readonly retries: number;

  constructor(private readonly options: HubClientOptions = {}) {
    this.endpoint = new URL((options.endpoint ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '') + '/');
    if (this.endpoint.protocol !== 'https:' && this.endpoint.protocol !== 'http:') {
      throw new HuggingFaceError(`hf-endpoint must be an http(s) URL, got ${this.endpoint.protocol}`);
    }
    const timeout = options.timeoutMs ?? 60_000;
    this.agent = new Agent({
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connect: { timeout: Math.min(timeout, 30_000) },
    });
    this.token = options.token;
    if (this.token && this.endpoint.protocol === 'http:' && !isLoopback(this.endpoint.host)) {
      options.logger?.warning(
        `hf-endpoint ${this.endpoint.host} is plain http: the hf-token crosses the network unencrypted`,
      );
    }
    this.userAgent = options.userAgent ?? 'sovereign-ci';
    this.retries = options.retries ?? 3;
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** URL of a path below the endpoint (`api/models/org/name`). */
  url(relative: string): URL {
    return new URL(relative.replace(/^\/+/, ''), this.endpoint);
  }

  /**
   * GET (or HEAD) following redirects; 2xx is returned, anything else throws a HuggingFaceError
   * built with `describe`. Connection failures and 429/5xx before any body is read are retried.
   */
  async get(
    url: URL,
    ctx: {
      repo: string;
      what: string;
      signal?: AbortSignal;
      method?: 'GET' | 'HEAD';
      headers?: Record<string, string>;
    },
  ): Promise<HubResponse> {
    for (let attempt = 0; ; attempt++) {
      let res: HubResponse;
      try {
        res = await this.follow(url, ctx.method ?? 'GET', ctx.headers ?? {}, ctx.signal);
      } catch (error) {
        if (attempt < this.retries && !ctx.signal?.aborted && retryable(error)) {
          await pause(attempt, ctx.signal);
          continue;
        }
        if (error instanceof HuggingFaceError || ctx.signal?.aborted) throw error;
        const why = (error as { code?: string }).code ?? (error as Error).message;
        throw new HuggingFaceError(`cannot reach ${url.host} for ${ctx.what}: ${why}`);
      }
      if (res.status >= 200 && res.status < 300) return res;
      const text = await capped(res, 4096, true);
      if (attempt < this.retries && RETRY_STATUS.has(res.status)) {
        this.options.logger?.info(`${ctx.what}: HTTP ${res.status}; retrying`);
        await pause(attempt, ctx.signal);
        continue;
      }
      throw hubFailure({
        status: res.status,
        repo: ctx.repo,
        what: ctx.what,
        hasToken: this.hasToken,
        ...hubCodes(res, text),
      });
    }
  }

  async json<T>(
    url: URL,
    ctx: { repo: string; what: string; signal?: AbortSignal },
  ): Promise<{ value: T; res: HubResponse }> {
    const res = await this.get(url, { ...ctx, headers: { accept: 'application/json' } });
    const text = await capped(res, 64 * 1024 * 1024);
    try {
      return { value: JSON.parse(text) as T, res };
    } catch {
      throw new HuggingFaceError(`the Hub answered ${ctx.what} with something that is not JSON`);
    }
  }

  /** A download stream of `url` (2xx after redirects). */
  async open(
    url: URL,
    ctx: { repo: string; what: string; signal?: AbortSignal },
  ): Promise<{ body: Readable; res: HubResponse }> {
    const res = await this.get(url, ctx);
    return { body: res.body as unknown as Readable, res };
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async follow(
    start: URL,
    method: 'GET' | 'HEAD',
    extra: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<HubResponse> {
    let url = start;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...extra };
      if (this.token && url.origin === this.endpoint.origin) headers.authorization = `Bearer ${this.token}`;
      const res = await request(url, {
        dispatcher: this.agent,
        method,
        headers,
        ...(signal ? { signal } : {}),
      });
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
        await res.body.dump();
        if (hop >= MAX_REDIRECTS)
          throw new HuggingFaceError(`too many redirects from ${start.host}${start.pathname}`);
        const next = new URL(location, url);
        if (next.protocol !== 'https:' && next.protocol !== 'http:') {
          throw new HuggingFaceError(`the Hub redirected to a ${next.protocol} URL; refusing it`);
        }
        if (url.protocol === 'https:' && next.protocol === 'http:') {
          throw new HuggingFaceError(
            `the Hub redirected ${start.pathname} from https to plain http; refusing it`,
          );
        }
        url = next;
        continue;
      }
      return { status: res.statusCode, headers: res.headers, body: res.body, url: url.toString() };
    }
  }
}

/** A response header as one string. */
export function hubHeader(res: HubResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

function hubCodes(res: HubResponse, text: string): { hubCode?: string; hubMessage?: string } {
  const out: { hubCode?: string; hubMessage?: string } = {};
  const code = hubHeader(res, 'x-error-code');
  if (code) out.hubCode = code;
  let message = hubHeader(res, 'x-error-message');
  if (!message) {
    try {
      const parsed = JSON.parse(text) as { error?: unknown };
      if (typeof parsed.error === 'string') message = parsed.error;
    } catch {
      // not JSON: no message
    }
  }
  if (message) out.hubMessage = message;
  return out;
}

async function capped(res: HubResponse, max: number, truncate = false): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (size + chunk.length > max) {
      if (truncate) {
        chunks.push(chunk.subarray(0, max - size));
        res.body.destroy();
        break;
      }
      res.body.destroy();
      throw new HuggingFaceError(
        `the Hub sent more than ${max} bytes for a ${res.url.includes('/api/') ? 'listing' : 'response'}`,
      );
    }
    size += chunk.length;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function retryable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return (
    typeof code === 'string' &&
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT)/.test(
      code,
    )
  );
}

function pause(attempt: number, signal?: AbortSignal): Promise<void> {
  const ms = Math.min(8000, 250 * 2 ** attempt);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), {
      once: true,
    });
  });
}
