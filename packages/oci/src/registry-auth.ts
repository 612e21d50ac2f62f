import type { Credential, CredentialProvider } from './credentials';
import { parseErrorBody, RegistryError } from './registry-error';
import { header, type HttpResponse, type Transport } from './transport';
import { parseWwwAuthenticate } from './www-authenticate';

interface Token {
  header: string;
  expiresAt: number;
}

/** Who we are to one registry: basic credentials or bearer tokens cached per scope set. */
export class RegistryAuth {
  private current: 'basic' | 'bearer' | undefined;
  private realm: string | undefined;
  private service: string | undefined;
  private credential: Promise<Credential | undefined> | undefined;
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(
    readonly registry: string,
    private readonly transport: Transport,
    private readonly credentials?: CredentialProvider,
  ) {}

  /** The scheme the registry challenged with, once it has. */
  get scheme(): 'basic' | 'bearer' | undefined {
    return this.current;
  }

  /** Whether any credential is known for this registry. */
  async hasCredential(): Promise<boolean> {
    return (await this.getCredential()) !== undefined;
  }

  /** The Authorization header for a request needing `scopes`, when the scheme is known. */
  async header(scopes: string[]): Promise<string | undefined> {
    if (this.current === 'basic') return basicHeader(await this.getCredential());
    if (this.current !== 'bearer') return undefined;
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresAt > Date.now()) return token.header;
      this.tokens.delete(key);
    }
    const pending = this.fetchToken(scopes);
    this.tokens.set(key, pending);
    pending.catch(() => this.tokens.delete(key));
    return (await pending).header;
  }

  /** Learns from a 401. True when a retry with fresh authorization can help. */
  async onUnauthorized(res: HttpResponse, scopes: string[], sent: string | undefined): Promise<boolean> {
    const challenges = parseWwwAuthenticate(header(res, 'www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer?.params.realm) {
      this.current = 'bearer';
      this.realm = bearer.params.realm;
      this.service = bearer.params.service;
      const wanted = mergeScopes(scopes, bearer.params.scope);
      this.tokens.delete(scopeKey(scopes));
      this.tokens.delete(scopeKey(wanted));
      const fresh = await this.header(wanted);
      const merged = this.tokens.get(scopeKey(wanted));
      if (merged && scopeKey(wanted) !== scopeKey(scopes)) this.tokens.set(scopeKey(scopes), merged);
      return fresh !== sent;
    }
    if (basic) {
      this.current = 'basic';
      const h = basicHeader(await this.getCredential());
      return h !== undefined && h !== sent;
    }
    return false;
  }

  private getCredential(): Promise<Credential | undefined> {
    this.credential ??= this.credentials?.get(this.registry) ?? Promise.resolve(undefined);
    return this.credential;
  }

  private async fetchToken(scopes: string[]): Promise<Token> {
    const cred = await this.getCredential();
    if (cred?.registryToken)
      return { header: `Bearer ${cred.registryToken}`, expiresAt: Number.MAX_SAFE_INTEGER };
    const realm = new URL(this.realm!);
    let res: HttpResponse;
    if (cred?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken });
      form.set('client_id', 'sovereign-ci');
      if (this.service) form.set('service', this.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.transport.send({
        method: 'POST',
        url: realm.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      if (this.service) realm.searchParams.set('service', this.service);
      for (const scope of scopes) realm.searchParams.append('scope', scope);
      if (cred?.username) realm.searchParams.set('account', cred.username);
      const auth = basicHeader(cred);
      res = await this.transport.send({
        method: 'GET',
        url: realm.toString(),
        headers: auth ? { authorization: auth } : {},
      });
    }
    const text = await res.body.text();
    if (res.status !== 200) {
      const body = parseErrorBody(text);
      const who = cred ? 'rejected the credentials' : 'refused anonymous access';
      throw new RegistryError(
        `${res.status} from the token service ${realm.host} for ${this.registry} (${scopes.join(' ') || 'no scope'}): it ${who}` +
          `${body.messages.length ? ` (${body.messages.join('; ')})` : ''} — check the login step for ${this.registry}`,
        {
          code: res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'TOKEN_ERROR',
          status: res.status,
          method: cred?.identityToken ? 'POST' : 'GET',
          url: realm.toString(),
          registryCodes: body.codes,
        },
      );
    }
    let json: { token?: string; access_token?: string; expires_in?: number };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new RegistryError(
        `the token service ${realm.host} for ${this.registry} answered something that is not JSON`,
        {
          code: 'TOKEN_ERROR',
          url: realm.toString(),
        },
      );
    }
    const token = json.token ?? json.access_token;
    if (!token) {
      throw new RegistryError(`the token service ${realm.host} for ${this.registry} returned no token`, {
        code: 'TOKEN_ERROR',
        url: realm.toString(),
      });
    }
    const lifetime = Math.max(1, (json.expires_in ?? 60) - 10);
    return { header: `Bearer ${token}`, expiresAt: Date.now() + lifetime * 1000 };
  }
}

function basicHeader(cred: Credential | undefined): string | undefined {
  if (!cred || cred.username === undefined || cred.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64')}`;
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ');
}

/** Adds the challenge's scopes to ours, merging actions per resource. */
export function mergeScopes(ours: string[], challenge: string | undefined): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of [...ours, ...(challenge ? challenge.split(' ') : [])]) {
    const cut = scope.lastIndexOf(':');
    if (cut < 0) continue;
    const resource = scope.slice(0, cut);
    const set = byResource.get(resource) ?? new Set<string>();
    for (const action of scope.slice(cut + 1).split(',')) if (action) set.add(action);
    byResource.set(resource, set);
  }
  return [...byResource].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`);
}
