import type { Logger } from '@sovereign-ci/action-kit';
import { registryEndpoint } from './reference';
import type { RegistryAuth } from './registry-auth';
import { codeForStatus, parseErrorBody, RegistryError, safeUrl } from './registry-error';
import { Readable } from 'node:stream';
import type { HttpResponse, RequestBody, Transport } from './transport';

export interface RegistryRequest {
  method: string;
  /** `/v2/…` relative to the registry, or an absolute/relative URL the registry handed out (Location). */
  path: string;
  scopes: string[];
  headers?: Record<string, string>;
  body?: RequestBody;
  followRedirects?: boolean;
  retry?: boolean;
  signal?: AbortSignal;
  /** Non-2xx statuses the caller handles itself. */
  allowStatus?: number[];
  /** What is being done, for error messages ("manifest team/app:1.0"). */
  what?: string;
}

const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i;

/** Whether a registry host is on the loopback interface (plain HTTP allowed there). */
export function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** One registry: where it is (https, or http when allowed), how we authenticate, how errors read. */
export class RegistrySession {
  private base: Promise<string> | undefined;

  constructor(
    readonly registry: string,
    readonly transport: Transport,
    readonly auth: RegistryAuth,
    private readonly plainHttpAllowed: boolean,
    private readonly logger?: Logger,
  ) {}

  baseUrl(): Promise<string> {
    this.base ??= this.probe().catch((error: unknown) => {
      this.base = undefined;
      throw error;
    });
    return this.base;
  }

  async request(req: RegistryRequest): Promise<HttpResponse> {
    const base = await this.baseUrl();
    const url = new URL(req.path, base);
    const sameOrigin = url.origin === new URL(base).origin;
    if (url.protocol === 'http:' && base.startsWith('https:') && !this.plainHttpAllowed) {
      // A Location (upload, next page) handed out by an HTTPS registry must not move us to plain HTTP.
      throw new RegistryError(
        `${this.registry} pointed ${req.what ?? `${req.method} ${url.pathname}`} at plain HTTP (${url.host}); refusing: ${this.registry} is not listed as an insecure registry`,
        { code: 'PROTOCOL_ERROR', method: req.method, url: url.toString() },
      );
    }
    const send = async (authorization: string | undefined) =>
      this.transport.send({
        method: req.method,
        url: url.toString(),
        headers: { ...(req.headers ?? {}), ...(authorization ? { authorization } : {}) },
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.followRedirects ? { followRedirects: true } : {}),
        ...(req.retry === false ? { retry: false } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
    const sent = sameOrigin ? await this.auth.header(req.scopes) : undefined;
    let res = await send(sent);
    if (res.status === 401 && sameOrigin && !(req.body instanceof Readable)) {
      let retry: boolean;
      try {
        retry = await this.auth.onUnauthorized(res, req.scopes, sent);
      } catch (error) {
        await res.body.dump();
        throw error;
      }
      if (retry) {
        await res.body.dump();
        res = await send(await this.auth.header(req.scopes));
      }
    }
    if ((res.status < 200 || res.status >= 300) && !req.allowStatus?.includes(res.status)) {
      throw await this.error(res, req);
    }
    return res;
  }

  /** A RegistryError for a failed response, with a message a person can act on. */
  async error(
    res: HttpResponse,
    req: Pick<RegistryRequest, 'method' | 'scopes' | 'what' | 'path'>,
  ): Promise<RegistryError> {
    const text = req.method === 'HEAD' ? '' : await readCapped(res, 16_384);
    const body = parseErrorBody(text);
    const said = [body.codes.join(', '), body.messages.join('; ')].filter(Boolean).join(' ');
    const target = req.what ?? `${req.method} ${safeUrl(res.url).replace(/^https?:\/\/[^/]+/, '')}`;
    const scope = req.scopes.join(' ') || 'the registry';
    let message = `${res.status} from ${this.registry} for ${res.status === 401 || res.status === 403 ? scope : target}`;
    if (said) message += `: ${said}`;
    if (res.status === 401) {
      message += (await this.auth.hasCredential())
        ? ` — check the login step for ${this.registry} (the credentials were refused)`
        : ` — no credentials for ${this.registry} were found; run the login step for ${this.registry}`;
    } else if (res.status === 403) {
      message += ` — the credentials for ${this.registry} lack this access`;
    } else if (res.status === 429) {
      message += ' — rate limited by the registry; try again later';
    } else if (res.status >= 500) {
      message += ' — the registry failed; it may be overloaded or broken';
    }
    return new RegistryError(message, {
      code: codeForStatus(res.status),
      status: res.status,
      method: req.method,
      url: res.url,
      registryCodes: body.codes,
    });
  }

  private async probe(): Promise<string> {
    const endpoint = registryEndpoint(this.registry);
    const https = `https://${endpoint}`;
    if (!this.plainHttpAllowed) return https;
    try {
      // Short: a plain-HTTP server that ignores a TLS hello must not stall us for the full timeout.
      const res = await this.transport.send({
        method: 'GET',
        url: `${https}/v2/`,
        retry: false,
        signal: AbortSignal.timeout(5_000),
      });
      await res.body.dump();
      return https;
    } catch (error) {
      const why = String((error as { cause?: { code?: string } }).cause?.code ?? '');
      if (CERT_ERROR.test(why)) throw error;
      this.logger?.debug(`${this.registry}: no TLS (${why || 'failed'}); using plain HTTP`);
      return `http://${endpoint}`;
    }
  }
}

/** Reads at most `max` bytes of a response body as text, discarding the rest. */
export async function readCapped(res: HttpResponse, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (size < max) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}
