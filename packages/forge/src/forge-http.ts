import { fetch, type Dispatcher } from 'undici';
import { ForgeError } from './forge-error';

export interface ForgeHttpOptions {
  /** API base URL, e.g. `https://forgejo.lab/api/v1` or `https://api.github.com`. */
  apiUrl: string;
  /** The `Authorization` header value (built by the client from its token). */
  authorization?: string;
  headers?: Record<string, string>;
  userAgent?: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface ForgeResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

export type QueryValue = string | number | boolean | undefined;

/** JSON over HTTP with token auth; one place for headers, timeouts and error shaping. */
export class ForgeHttp {
  private readonly base: string;

  constructor(private readonly options: ForgeHttpOptions) {
    this.base = options.apiUrl.replace(/\/+$/, '');
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const u = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** Sends a request; `accept404` returns undefined data on 404 instead of throwing. */
  async request<T>(
    method: string,
    path: string,
    init: { query?: Record<string, QueryValue>; body?: unknown; accept404?: boolean } = {},
  ): Promise<ForgeResponse<T | undefined>> {
    const url = this.url(path, init.query);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'sovereign-ci',
      ...this.options.headers,
    };
    if (this.options.authorization) headers.authorization = this.options.authorization;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      dispatcher: this.options.dispatcher,
    });
    const text = await response.text();
    if (response.status === 404 && init.accept404)
      return { status: 404, data: undefined, headers: response.headers as Headers };
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { message?: string };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        // not JSON: keep the text
      }
      throw new ForgeError(method, url.split('?')[0] ?? url, response.status, message);
    }
    const data = text === '' ? undefined : (JSON.parse(text) as T);
    return { status: response.status, data, headers: response.headers as Headers };
  }

  async json<T>(
    method: string,
    path: string,
    init: { query?: Record<string, QueryValue>; body?: unknown } = {},
  ): Promise<T> {
    return (await this.request<T>(method, path, init)).data as T;
  }
}

/** `a/b c` -> `a/b%20c`: each path segment encoded, slashes kept. */
export const encodePath = (p: string): string => p.split('/').map(encodeURIComponent).join('/');
