export interface RegistryErrorInit {
  code: string;
  status?: number;
  method?: string;
  url?: string;
  registryCodes?: string[];
  cause?: unknown;
}

/**
 * Anything that went wrong talking to a registry. `code` is ours (UNAUTHORIZED, NOT_FOUND,
 * DIGEST_MISMATCH, …); `registryCodes` are the registry's own (`MANIFEST_UNKNOWN`, `DENIED`, …).
 * `url` never holds credentials or query strings.
 */
export class RegistryError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly method?: string;
  readonly url?: string;
  readonly registryCodes: string[];
  constructor(message: string, init: RegistryErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'RegistryError';
    this.code = init.code;
    if (init.status !== undefined) this.status = init.status;
    if (init.method !== undefined) this.method = init.method;
    if (init.url !== undefined) this.url = safeUrl(init.url);
    this.registryCodes = init.registryCodes ?? [];
  }
}

/** A URL fit for messages: no user info, no query (upload state, signed URLs). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/\?.*$/, '');
  }
}

export interface RegistryErrorBody {
  codes: string[];
  messages: string[];
}

/** Parses the distribution-spec error body `{"errors":[{"code","message","detail"}]}`. */
export function parseErrorBody(text: string): RegistryErrorBody {
  const out: RegistryErrorBody = { codes: [], messages: [] };
  try {
    const json = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    for (const e of json.errors ?? []) {
      if (typeof e.code === 'string') out.codes.push(e.code);
      if (typeof e.message === 'string' && e.message) out.messages.push(e.message);
    }
  } catch {
    const line = text.trim().split('\n')[0]?.slice(0, 200);
    if (line) out.messages.push(line);
  }
  return out;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  404: 'NOT_FOUND',
  405: 'UNSUPPORTED',
  413: 'TOO_LARGE',
  416: 'RANGE_NOT_SATISFIABLE',
  429: 'TOO_MANY_REQUESTS',
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'REGISTRY_UNAVAILABLE' : 'HTTP_ERROR');
}
