import { afterEach, describe, expect, it } from 'vitest';
import { digestOf, RegistryClient, staticCredentials } from '@sovereign-ci/oci';
import { fakeServer, json } from './fake-server';

const servers: { stop(): Promise<void> }[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.stop();
});
const track = <T extends { stop(): Promise<void> }>(s: T) => (servers.push(s), s);
const client = (o: ConstructorParameters<typeof RegistryClient>[0] = {}) => {
  const c = new RegistryClient({ retries: 2, ...o });
  clients.push(c);
  return c;
};
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('RegistryClient auth', () => {
  describe('when the registry challenges with Bearer', () => {
    it('gets one token per scope set, caches it, and re-authenticates when it is refused', async () => {
      let issued = 0;
      let revoked = '';
      const auth = track(
        await fakeServer((req, res) => {
          const url = new URL(req.url ?? '', 'http://x');
          if (req.headers.authorization !== basic('u', 'p'))
            return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad' }] });
          issued++;
          json(res, 200, {
            token: `t${issued}:${url.searchParams.getAll('scope').join(' ')}:${url.searchParams.get('service')}`,
            expires_in: 300,
          });
        }),
      );
      const reg = track(
        await fakeServer((req, res) => {
          const h = req.headers.authorization ?? '';
          if (!h.startsWith('Bearer t') || h === revoked) {
            return json(
              res,
              401,
              { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
              {
                'www-authenticate': `Bearer realm="${auth.url}/token",service="reg",scope="repository:a/b:pull"`,
              },
            );
          }
          res.writeHead(404, { 'content-length': '0' }).end();
        }),
      );
      const c = client({ credentials: staticCredentials(reg.host, { username: 'u', password: 'p' }) });
      const blobs = c.repository(reg.host, 'a/b').blobs;
      expect(await blobs.exists(digestOf('x'))).toBeUndefined();
      expect(await blobs.exists(digestOf('y'))).toBeUndefined();
      expect(issued).toEqual(1);
      expect(reg.seen.at(-1)?.authorization).toEqual('Bearer t1:repository:a/b:pull:reg');

      revoked = 'Bearer t1:repository:a/b:pull:reg';
      expect(await blobs.exists(digestOf('z'))).toBeUndefined();
      expect(issued).toEqual(2);
      expect(reg.seen.map((r) => r.authorization ?? 'none')).toEqual([
        'none',
        'Bearer t1:repository:a/b:pull:reg',
        'Bearer t1:repository:a/b:pull:reg',
        'Bearer t1:repository:a/b:pull:reg',
        'Bearer t2:repository:a/b:pull:reg',
      ]);
    });

    it('says which token service refused which registry, without the password', async () => {
      const auth = track(
        await fakeServer((_req, res) =>
          json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] }),
        ),
      );
      const reg = track(
        await fakeServer((_req, res) =>
          json(res, 401, {}, { 'www-authenticate': `Bearer realm="${auth.url}/token",service="reg"` }),
        ),
      );
      const c = client({ credentials: staticCredentials(reg.host, { username: 'u', password: 'hunter2' }) });
      const error = await c.ping(reg.host).catch((e: Error) => e);
      expect(error).toMatchObject({
        name: 'RegistryError',
        code: 'UNAUTHORIZED',
        status: 401,
        registryCodes: ['UNAUTHORIZED'],
      });
      expect((error as Error).message).toEqual(
        `401 from the token service ${auth.host} for ${reg.host} (no scope): it rejected the credentials (invalid credentials) — check the login step for ${reg.host}`,
      );
      expect((error as Error).message).not.toContain('hunter2');
    });
  });

  describe('when the registry uses Basic auth', () => {
    it('sends the credentials after the challenge and explains a refusal', async () => {
      const reg = track(
        await fakeServer((req, res) =>
          req.headers.authorization === basic('u', 'right')
            ? json(res, 200, {})
            : json(
                res,
                401,
                { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
                { 'www-authenticate': 'Basic realm="r"' },
              ),
        ),
      );
      await client({ credentials: staticCredentials(reg.host, { username: 'u', password: 'right' }) }).ping(
        reg.host,
      );
      const error = await client({
        credentials: staticCredentials(reg.host, { username: 'u', password: 'wrong' }),
      })
        .ping(reg.host)
        .catch((e: Error) => e);
      expect((error as Error).message).toEqual(
        `401 from ${reg.host} for the registry: UNAUTHORIZED authentication required — check the login step for ${reg.host} (the credentials were refused)`,
      );
      const anonymous = await client()
        .ping(reg.host)
        .catch((e: Error) => e);
      expect((anonymous as Error).message).toContain(
        `no credentials for ${reg.host} were found; run the login step for ${reg.host}`,
      );
    });
  });

  describe('when a blob download redirects to another origin', () => {
    it('follows it without the Authorization header', async () => {
      const data = Buffer.from('object storage bytes');
      const storage = track(
        await fakeServer((_req, res) => {
          res.writeHead(200, { 'content-length': data.length }).end(data);
        }),
      );
      const reg = track(
        await fakeServer((req, res) => {
          if (req.headers.authorization !== basic('u', 'p')) {
            return json(res, 401, {}, { 'www-authenticate': 'Basic realm="r"' });
          }
          res
            .writeHead(307, { location: `${storage.url}/bucket/blob?X-Signature=abc`, 'content-length': '0' })
            .end();
        }),
      );
      const c = client({ credentials: staticCredentials(reg.host, { username: 'u', password: 'p' }) });
      const d = { mediaType: 'application/octet-stream', digest: digestOf(data), size: data.length };
      expect((await c.repository(reg.host, 'a/b').blobs.fetchBytes(d)).equals(data)).toBe(true);
      expect(storage.seen).toEqual([{ method: 'GET', url: '/bucket/blob?X-Signature=abc' }]);
      expect(reg.seen.at(-1)?.authorization).toEqual(basic('u', 'p'));
    });
  });
});

describe('RegistryClient transport', () => {
  describe('when the registry answers 429 with Retry-After', () => {
    it('waits as told and succeeds', async () => {
      let calls = 0;
      const reg = track(
        await fakeServer((_req, res) =>
          ++calls === 1 ? json(res, 429, {}, { 'retry-after': '1' }) : json(res, 200, {}),
        ),
      );
      const started = Date.now();
      await client().ping(reg.host);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(calls).toEqual(2);
    });
  });

  describe('when the registry is unreachable', () => {
    it('says so, naming the host', async () => {
      const reg = await fakeServer(() => {});
      await reg.stop();
      const error = await client({ retries: 1 })
        .ping(reg.host)
        .catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'RegistryError', code: 'NETWORK_ERROR' });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^cannot reach ${reg.host} \\(GET /v2/\\): ECONNREFUSED — is ${reg.host} up and reachable from here\\?$`,
        ),
      );
    });
  });

  describe('when the registry is not on loopback and not listed as insecure', () => {
    it('never uses plain HTTP', async () => {
      const c = client({ retries: 0, timeoutMs: 1000 });
      expect(await c.session('registry.invalid').baseUrl()).toEqual('https://registry.invalid');
      expect(
        await client({ insecureRegistries: ['127.0.0.1:1'] })
          .session('127.0.0.1:1')
          .baseUrl(),
      ).toEqual('http://127.0.0.1:1');
    });

    it('refuses a Location that would move it to plain HTTP', async () => {
      const reg = track(await fakeServer((_req, res) => json(res, 202, {})));
      const error = await client({ retries: 0 })
        .session('registry.invalid')
        .request({
          method: 'PATCH',
          path: `${reg.url}/v2/team/app/blobs/uploads/u1`,
          scopes: [],
          body: Buffer.from('layer bytes'),
          what: 'blob upload chunk 0-10',
        })
        .catch((e: Error) => e);
      expect(error).toMatchObject({
        name: 'RegistryError',
        code: 'PROTOCOL_ERROR',
        message: `registry.invalid pointed blob upload chunk 0-10 at plain HTTP (${reg.host}); refusing: registry.invalid is not listed as an insecure registry`,
      });
      expect(reg.seen).toEqual([]);
    });

    it('sends a plain-HTTP server nothing but TLS and says how to allow it', async () => {
      const reg = track(await fakeServer((_req, res) => json(res, 200, {})));
      // The loopback address spelled so that it is not recognised as loopback.
      const host = `[::ffff:127.0.0.1]:${reg.host.split(':')[1]}`;
      const error = await client({ retries: 0 })
        .ping(host)
        .catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'RegistryError', code: 'TLS_ERROR' });
      expect((error as Error).message).toContain(
        'does not answer with TLS; if it serves plain HTTP on purpose, list it as an insecure registry',
      );
      expect(reg.seen).toEqual([]);
      await client({ retries: 0, insecureRegistries: [host] }).ping(host);
      expect(reg.seen.map((r) => r.url)).toEqual(['/v2/']);
    });
  });
});

describe('RegistryClient identity tokens', () => {
  describe('when the docker config holds an identitytoken', () => {
    it('exchanges it with an OAuth2 refresh_token POST for the scope', async () => {
      const forms: Record<string, string>[] = [];
      const auth = track(
        await fakeServer((req, res, body) => {
          forms.push(Object.fromEntries(new URLSearchParams(body.toString())));
          json(res, 200, { access_token: 'from-refresh', expires_in: 60 });
        }),
      );
      const reg = track(
        await fakeServer((req, res) =>
          req.headers.authorization === 'Bearer from-refresh'
            ? json(res, 200, {})
            : json(res, 401, {}, { 'www-authenticate': `Bearer realm="${auth.url}/token",service="svc"` }),
        ),
      );
      await client({ credentials: staticCredentials(reg.host, { identityToken: 'refresh-me' }) }).ping(
        reg.host,
        'repository:a/b:pull',
      );
      expect(auth.seen.map((r) => r.method)).toEqual(['POST']);
      expect(forms).toEqual([
        {
          grant_type: 'refresh_token',
          refresh_token: 'refresh-me',
          client_id: 'sovereign-ci',
          service: 'svc',
          scope: 'repository:a/b:pull',
        },
      ]);
    });
  });
});
