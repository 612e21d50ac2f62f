import { randomBytes, sign, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningCert } from './certs';

/** One `access` entry of a registry token (distribution's ResourceActions). */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenRequestRecord {
  method: string;
  /** The authenticated user, '' for anonymous, undefined when the credentials were rejected. */
  username: string | undefined;
  service: string;
  scopes: string[];
  status: number;
}

export interface TokenServer {
  /** Base URL, http://127.0.0.1:PORT */
  url: string;
  /** The realm the registry advertises: `${url}/token` */
  realm: string;
  service: string;
  issuer: string;
  requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

export interface TokenServerOptions {
  username: string;
  password: string;
  service: string;
  issuer: string;
  signer: SigningCert;
  /** Anonymous requests get `pull` on repositories (a public project); default: no access at all. */
  anonymousPull?: boolean;
  /** Token lifetime in seconds (default 300). */
  lifetimeSeconds?: number;
}

const KNOWN_ACTIONS = new Set(['pull', 'push', 'delete', '*']);

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** `repository:team/app:pull,push` → access entry; the name may itself contain colons. */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  const type = scope.slice(0, first).replace(/\(.*\)$/, '');
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => KNOWN_ACTIONS.has(a));
  return { type, name, actions };
}

/** A JWS compact token exactly as distribution 2.8 verifies it (x5c header, string `aud`). */
export function signRegistryToken(
  signer: SigningCert,
  claims: {
    issuer: string;
    service: string;
    subject: string;
    access: TokenAccess[];
    lifetimeSeconds: number;
  },
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: signer.alg, x5c: [signer.x5c] };
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.service,
    exp: now + claims.lifetimeSeconds,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(16).toString('hex'),
    access: claims.access,
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const key =
    signer.alg === 'ES256'
      ? { key: signer.keyPem, dsaEncoding: 'ieee-p1363' as const }
      : { key: signer.keyPem };
  const signature = sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${b64url(signature)}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * A token server the way Harbor and Forgejo run one: GET /token with HTTP basic credentials
 * (the Docker token protocol) or POST /token with a form (the OAuth2 password/refresh flow).
 * Anonymous requests get a token with no access (or pull only, with `anonymousPull`); wrong
 * credentials get 401.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  const refreshTokens = new Map<string, string>();
  const lifetimeSeconds = options.lifetimeSeconds ?? 300;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/token') {
      sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
      return;
    }
    let params: URLSearchParams = url.searchParams;
    let username: string | undefined = '';
    let offline = params.get('offline_token') === 'true';
    const authHeader = req.headers.authorization ?? '';
    let presented: { user: string; pass: string } | undefined;
    if (/^basic /i.test(authHeader)) {
      const decoded = Buffer.from(authHeader.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      presented = { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
    }
    if (req.method === 'POST') {
      params = new URLSearchParams(await readBody(req));
      offline = params.get('access_type') === 'offline';
      const grant = params.get('grant_type');
      if (grant === 'password') {
        presented = { user: params.get('username') ?? '', pass: params.get('password') ?? '' };
      } else if (grant === 'refresh_token') {
        const owner = refreshTokens.get(params.get('refresh_token') ?? '');
        if (owner === undefined) username = undefined;
        else username = owner;
        presented = undefined;
      } else {
        sendJson(res, 400, { error: 'unsupported_grant_type' });
        return;
      }
    } else if (req.method !== 'GET') {
      sendJson(res, 405, { errors: [{ code: 'UNSUPPORTED', message: 'method not allowed' }] });
      return;
    }
    if (presented) {
      const ok = safeEqual(presented.user, options.username) && safeEqual(presented.pass, options.password);
      username = ok ? presented.user : undefined;
    }
    const scopes = params
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    const service = params.get('service') ?? '';
    if (username === undefined) {
      requests.push({ method: req.method ?? '', username, service, scopes, status: 401 });
      sendJson(
        res,
        401,
        {
          errors: [{ code: 'UNAUTHORIZED', message: 'authentication required: wrong username or password' }],
        },
        { 'www-authenticate': 'Basic realm="sovereign-ci token server"' },
      );
      return;
    }
    const access = scopes
      .map(parseScope)
      .map((a) =>
        a && username === ''
          ? { ...a, actions: options.anonymousPull ? a.actions.filter((x) => x === 'pull') : [] }
          : a,
      )
      .filter((a): a is TokenAccess => a !== undefined && a.actions.length > 0);
    const token = signRegistryToken(options.signer, {
      issuer: options.issuer,
      service: options.service,
      subject: username,
      access,
      lifetimeSeconds,
    });
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: lifetimeSeconds,
      issued_at: new Date().toISOString(),
    };
    if (offline && username !== '') {
      const refresh = randomBytes(24).toString('hex');
      refreshTokens.set(refresh, username);
      body.refresh_token = refresh;
    }
    if (req.method === 'POST') body.scope = scopes.join(' ');
    requests.push({ method: req.method ?? '', username, service, scopes, status: 200 });
    sendJson(res, 200, body);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/token`,
    service: options.service,
    issuer: options.issuer,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
