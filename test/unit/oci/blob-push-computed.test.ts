import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient, SourceChangedError } from '@sovereign-ci/oci';
import { fakeServer, json } from './fake-server';

const servers: { stop(): Promise<void> }[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.stop();
});

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Options {
  /** Keep this many bytes of the n-th PATCH (0-based), then drop the connection. */
  dropPatch?: { index: number; keep: number };
  /** Answer the upload status GET with 404 (the session is gone). */
  forgetSessions?: boolean;
}

/** An upload endpoint that keeps the bytes, checks Content-Range, verifies the digest at PUT. */
async function uploadServer(opts: Options = {}) {
  let stored = Buffer.alloc(0);
  let published: Buffer | undefined;
  const ranges: string[] = [];
  let patches = 0;
  let session = 0;
  const server = await fakeServer((req, res, body) => {
    const url = new URL(req.url ?? '', 'http://x');
    const here = (n: number) => `/v2/a/b/blobs/uploads/u${session}?state=${n}`;
    if (req.method === 'POST') {
      session++;
      stored = Buffer.alloc(0);
      return res.writeHead(202, { location: here(0), 'content-length': '0' }).end();
    }
    if (url.pathname !== `/v2/a/b/blobs/uploads/u${session}`) return json(res, 404, {});
    if (req.method === 'GET') {
      if (opts.forgetSessions) return json(res, 404, { errors: [{ code: 'BLOB_UPLOAD_UNKNOWN' }] });
      const range = stored.length ? `0-${stored.length - 1}` : '0-0';
      return res.writeHead(204, { location: here(stored.length), range }).end();
    }
    if (req.method === 'PATCH') {
      const range = String(req.headers['content-range']);
      ranges.push(range);
      if (Number(range.split('-')[0]) !== stored.length) return json(res, 416, {});
      if (opts.dropPatch && patches++ === opts.dropPatch.index) {
        stored = Buffer.concat([stored, body.subarray(0, opts.dropPatch.keep)]);
        return req.socket.destroy();
      }
      stored = Buffer.concat([stored, body]);
      const headers = { location: here(stored.length), range: `0-${stored.length - 1}` };
      return res.writeHead(202, { ...headers, 'content-length': '0' }).end();
    }
    if (req.method === 'PUT') {
      if (body.length !== 0) return json(res, 400, { errors: [{ code: 'SIZE_INVALID' }] });
      const digest = sha256(stored);
      if (digest !== url.searchParams.get('digest'))
        return json(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'digest' }] });
      published = stored;
      return res.writeHead(201, { 'docker-content-digest': digest, 'content-length': '0' }).end();
    }
    json(res, 405, {});
  });
  servers.push(server);
  return { server, ranges, published: () => published };
}

function clientFor(options: ConstructorParameters<typeof RegistryClient>[0]): RegistryClient {
  const client = new RegistryClient(options);
  clients.push(client);
  return client;
}

/** A source handing out `data` in 64 KiB pieces. */
const pieces = (data: Buffer) => () => {
  const list: Buffer[] = [];
  for (let at = 0; at < data.length; at += 65536) list.push(data.subarray(at, at + 65536));
  return Readable.from(list);
};

describe('BlobStore.pushComputed', () => {
  describe('when the blob fits in one request', () => {
    it('sends one PATCH and an empty PUT with the digest of the bytes', async () => {
      const { server, ranges, published } = await uploadServer();
      const data = randomBytes(300_000);
      const blobs = clientFor({ retries: 0 }).repository(server.host, 'a/b').blobs;
      const got = await blobs.pushComputed({ mediaType: 'x', size: data.length }, pieces(data));
      expect(got).toEqual({ mediaType: 'x', size: data.length, digest: sha256(data) });
      expect(server.seen.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PUT']);
      expect(ranges).toEqual(['0-299999']);
      expect(published()?.equals(data)).toBe(true);
    });

    it('stores an empty blob with no PATCH', async () => {
      const { server, published } = await uploadServer();
      const blobs = clientFor({ retries: 0 }).repository(server.host, 'a/b').blobs;
      const got = await blobs.pushComputed({ mediaType: 'x', size: 0 }, () => Readable.from([]));
      expect(got.digest).toBe(sha256(Buffer.alloc(0)));
      expect(server.seen.map((r) => r.method)).toEqual(['POST', 'PUT']);
      expect(published()?.length).toBe(0);
    });
  });

  describe('when the blob is above the monolithic threshold', () => {
    it('sends chunkSize PATCHes with Content-Range', async () => {
      const { server, ranges, published } = await uploadServer();
      const data = randomBytes(250_000);
      const blobs = clientFor({ chunkSize: 100_000, monolithicThreshold: 0, retries: 0 }).repository(
        server.host,
        'a/b',
      ).blobs;
      const progress: number[] = [];
      const got = await blobs.pushComputed({ mediaType: 'x', size: data.length }, pieces(data), {
        onProgress: (n) => progress.push(n),
      });
      expect(got.digest).toBe(sha256(data));
      expect(ranges).toEqual(['0-99999', '100000-199999', '200000-249999']);
      expect(progress).toEqual([100_000, 200_000, 250_000, 250_000]);
      expect(published()?.equals(data)).toBe(true);
    });
  });

  describe('when a PATCH loses its connection', () => {
    it.each([
      { name: 'a chunk', index: 1, keep: 30_000, resumedAt: '130000-229999' },
      { name: 'the first chunk, nothing kept', index: 0, keep: 0, resumedAt: '0-99999' },
    ])('resumes $name at the registry offset with the right digest', async ({ index, keep, resumedAt }) => {
      const { server, ranges, published } = await uploadServer({ dropPatch: { index, keep } });
      const data = randomBytes(250_000);
      const blobs = clientFor({ chunkSize: 100_000, monolithicThreshold: 0, retries: 2 }).repository(
        server.host,
        'a/b',
      ).blobs;
      const got = await blobs.pushComputed({ mediaType: 'x', size: data.length }, pieces(data));
      expect(got.digest).toBe(sha256(data));
      expect(ranges).toContain(resumedAt);
      expect(server.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(published()?.equals(data)).toBe(true);
    });

    it('restarts the session when the registry cannot resume', async () => {
      const { server, published } = await uploadServer({
        dropPatch: { index: 1, keep: 10 },
        forgetSessions: true,
      });
      const data = randomBytes(250_000);
      const blobs = clientFor({ chunkSize: 100_000, monolithicThreshold: 0, retries: 2 }).repository(
        server.host,
        'a/b',
      ).blobs;
      const got = await blobs.pushComputed({ mediaType: 'x', size: data.length }, pieces(data));
      expect(got.digest).toBe(sha256(data));
      expect(server.seen.filter((r) => r.method === 'POST')).toHaveLength(2);
      expect(published()?.equals(data)).toBe(true);
    });
  });

  describe('when the source yields different bytes after a resume reopens it', () => {
    it('is refused by the registry and publishes nothing', async () => {
      const { server, published } = await uploadServer({ dropPatch: { index: 0, keep: 50_000 } });
      let opens = 0;
      const source = () => Readable.from([Buffer.alloc(100_000, opens++ === 0 ? 1 : 2)]);
      const blobs = clientFor({ retries: 2 }).repository(server.host, 'a/b').blobs;
      const error = await blobs
        .pushComputed({ mediaType: 'x', size: 100_000 }, source)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'RegistryError', status: 400, registryCodes: ['DIGEST_INVALID'] });
      expect(opens).toBe(2);
      expect(published()).toBeUndefined();
    });
  });

  describe('when the source changed in bytes already committed before a resume', () => {
    it('fails with SourceChangedError without restarting or publishing', async () => {
      const { server, published } = await uploadServer({ dropPatch: { index: 1, keep: 20_000 } });
      let opens = 0;
      const source = () => Readable.from([Buffer.alloc(250_000, opens++ === 0 ? 1 : 2)]);
      const blobs = clientFor({ chunkSize: 100_000, monolithicThreshold: 0, retries: 2 }).repository(
        server.host,
        'a/b',
      ).blobs;
      const error = await blobs
        .pushComputed({ mediaType: 'x', size: 250_000 }, source)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceChangedError);
      expect(server.seen.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH', 'GET']);
      expect(published()).toBeUndefined();
    });
  });

  describe('when the source is shorter than the size given', () => {
    it('fails without publishing', async () => {
      const { server, published } = await uploadServer();
      const blobs = clientFor({ retries: 0 }).repository(server.host, 'a/b').blobs;
      const error = await blobs
        .pushComputed({ mediaType: 'x', size: 10 }, () => Readable.from([Buffer.from('short')]))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(published()).toBeUndefined();
    });
  });
});
