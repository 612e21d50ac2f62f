import { generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningAlg, SigningCert } from '../../harness/certs';
import { parseScope, signRegistryToken, startTokenServer } from '../../harness/token-server';
import type { TokenServer } from '../../harness/token-server';

function fakeSigner(alg: SigningAlg): { signer: SigningCert; publicPem: string } {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    signer: {
      alg,
      certPath: '/nonexistent/cert.pem',
      keyPath: '/nonexistent/key.pem',
      certPem: '',
      keyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      x5c: 'Y2VydA==',
    },
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function decode(token: string, index: number): unknown {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

describe('parseScope', () => {
  it.each([
    ['repository:team/app:pull,push', { type: 'repository', name: 'team/app', actions: ['pull', 'push'] }],
    ['repository:app:pull', { type: 'repository', name: 'app', actions: ['pull'] }],
    ['repository(plugin):a/b:pull', { type: 'repository', name: 'a/b', actions: ['pull'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    ['repository:a:pull,fly', { type: 'repository', name: 'a', actions: ['pull'] }],
    ['nonsense', undefined],
    ['repository:a', undefined],
  ])('parses %s', (scope, expected) => {
    expect(parseScope(scope)).toEqual(expected);
  });
});

describe('signRegistryToken', () => {
  describe.each<SigningAlg>(['RS256', 'ES256'])('when the algorithm is %s', (alg) => {
    it('signs header.claims so the public key verifies it, with an x5c header and a string aud', () => {
      const { signer, publicPem } = fakeSigner(alg);
      const access = [{ type: 'repository', name: 'a/b', actions: ['pull'] }];
      const token = signRegistryToken(signer, {
        issuer: 'iss',
        service: 'svc',
        subject: 'me',
        access,
        lifetimeSeconds: 60,
      });
      const [h, c, s] = token.split('.');
      const key = alg === 'ES256' ? { key: publicPem, dsaEncoding: 'ieee-p1363' as const } : publicPem;
      const valid = verify('sha256', Buffer.from(`${h}.${c}`), key, Buffer.from(s ?? '', 'base64url'));
      const claims = decode(token, 1) as Record<string, unknown>;
      expect({
        valid,
        header: decode(token, 0),
        iss: claims.iss,
        sub: claims.sub,
        aud: claims.aud,
        access: claims.access,
        lifetime: (claims.exp as number) - (claims.iat as number),
        signatureBytes: alg === 'ES256' ? Buffer.from(s ?? '', 'base64url').length : 256,
      }).toEqual({
        valid: true,
        header: { typ: 'JWT', alg, x5c: ['Y2VydA=='] },
        iss: 'iss',
        sub: 'me',
        aud: 'svc',
        access,
        lifetime: 60,
        signatureBytes: alg === 'ES256' ? 64 : 256,
      });
    });
  });
});

describe('startTokenServer', () => {
  let server: TokenServer;
  const auth = (user: string, pass: string): string =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  beforeAll(async () => {
    server = await startTokenServer({
      username: 'u',
      password: 'p',
      service: 'svc',
      issuer: 'iss',
      signer: fakeSigner('RS256').signer,
    });
  });
  afterAll(() => server?.stop());
  const q = '?service=svc&scope=repository:a/b:pull,push&scope=repository:c:pull';

  describe('when GET carries the right basic credentials', () => {
    it('grants the requested scopes', async () => {
      const res = await fetch(`${server.realm}${q}`, { headers: { authorization: auth('u', 'p') } });
      const body = (await res.json()) as { token: string; access_token: string; expires_in: number };
      expect({
        status: res.status,
        same: body.token === body.access_token,
        expires: body.expires_in,
        access: (decode(body.token, 1) as { access: unknown }).access,
      }).toEqual({
        status: 200,
        same: true,
        expires: 300,
        access: [
          { type: 'repository', name: 'a/b', actions: ['pull', 'push'] },
          { type: 'repository', name: 'c', actions: ['pull'] },
        ],
      });
    });
  });

  describe('when the password is wrong', () => {
    it('answers 401 and records the rejection', async () => {
      const res = await fetch(`${server.realm}${q}`, { headers: { authorization: auth('u', 'nope') } });
      expect([res.status, server.requests.at(-1)?.status, server.requests.at(-1)?.username]).toEqual([
        401,
        401,
        undefined,
      ]);
    });
  });

  describe('when the request is anonymous', () => {
    it('issues a token with no access', async () => {
      const res = await fetch(`${server.realm}${q}`);
      const { token } = (await res.json()) as { token: string };
      expect([res.status, (decode(token, 1) as { access: unknown }).access]).toEqual([200, []]);
    });
  });

  describe('when POSTed the OAuth2 way', () => {
    it('supports the password grant with a refresh token, and the refresh grant', async () => {
      const form = (fields: Record<string, string>): RequestInit => ({
        method: 'POST',
        body: new URLSearchParams(fields),
      });
      const first = await fetch(
        server.realm,
        form({
          grant_type: 'password',
          username: 'u',
          password: 'p',
          service: 'svc',
          scope: 'repository:a:pull',
          access_type: 'offline',
          client_id: 't',
        }),
      );
      const { refresh_token: refresh } = (await first.json()) as { refresh_token: string };
      const second = await fetch(
        server.realm,
        form({
          grant_type: 'refresh_token',
          refresh_token: refresh,
          service: 'svc',
          scope: 'repository:a:push',
        }),
      );
      const bad = await fetch(
        server.realm,
        form({ grant_type: 'refresh_token', refresh_token: 'forged', service: 'svc' }),
      );
      const { access_token: token } = (await second.json()) as { access_token: string };
      expect([
        first.status,
        typeof refresh,
        second.status,
        (decode(token, 1) as { access: unknown }).access,
        bad.status,
      ]).toEqual([200, 'string', 200, [{ type: 'repository', name: 'a', actions: ['push'] }], 401]);
    });
  });

  describe('when anonymous pull is allowed', () => {
    it('grants anonymous requests pull only', async () => {
      const open = await startTokenServer({
        username: 'u',
        password: 'p',
        service: 'svc',
        issuer: 'iss',
        signer: fakeSigner('ES256').signer,
        anonymousPull: true,
      });
      try {
        const res = await fetch(`${open.realm}${q}&scope=repository:d:push`);
        const { token } = (await res.json()) as { token: string };
        expect((decode(token, 1) as { access: unknown }).access).toEqual([
          { type: 'repository', name: 'a/b', actions: ['pull'] },
          { type: 'repository', name: 'c', actions: ['pull'] },
        ]);
      } finally {
        await open.stop();
      }
    });
  });
});
