import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MONOLITHIC_THRESHOLD,
  digestOf,
  RegistryClient,
} from '@sovereign-ci/oci';
import { fakeServer, json } from './fake-server';

const servers: { stop(): Promise<void> }[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.stop();
});

/** A minimal upload endpoint that keeps the bytes, checks Content-Range and the digest at PUT. */
async function uploadServer(minChunk?: number) {
  let stored = Buffer.alloc(0);
  const ranges: string[] = [];
  const server = await fakeServer((req, res, body) => {
    const url = new URL(req.url ?? '', 'http://x');
    if (req.method === 'HEAD') return res.writeHead(404, { 'content-length': '0' }).end();
    if (req.method === 'POST') {
      res.writeHead(202, {
        location: '/v2/a/b/blobs/uploads/u1?state=0',
        'content-length': '0',
        ...(minChunk ? { 'oci-chunk-min-length': String(minChunk) } : {}),
      });
      return res.end();
    }
    if (req.method === 'PATCH') {
      const range = String(req.headers['content-range']);
      ranges.push(range);
      if (Number(range.split('-')[0]) !== stored.length) return json(res, 416, {});
      stored = Buffer.concat([stored, body]);
      res.writeHead(202, {
        location: `/v2/a/b/blobs/uploads/u1?state=${stored.length}`,
        range: `0-${stored.length - 1}`,
        'content-length': '0',
      });
      return res.end();
    }
    if (req.method === 'PUT') {
      stored = Buffer.concat([stored, body]);
      const digest = `sha256:${createHash('sha256').update(stored).digest('hex')}`;
      if (digest !== url.searchParams.get('digest'))
        return json(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'digest' }] });
      return res.writeHead(201, { 'docker-content-digest': digest, 'content-length': '0' }).end();
    }
    json(res, 405, {});
  });
  servers.push(server);
  return { server, ranges, stored: () => stored };
}

describe('BlobStore.push', () => {
  describe('by default', () => {
    it('sends one PUT only up to 256 MiB, larger blobs in resumable 128 MiB chunks', () => {
      // A lost connection costs at most 256 MiB (one PUT) or one chunk again, never a 2 GiB restart.
      expect({ DEFAULT_MONOLITHIC_THRESHOLD, DEFAULT_CHUNK_SIZE }).toEqual({
        DEFAULT_MONOLITHIC_THRESHOLD: 256 * 1024 * 1024,
        DEFAULT_CHUNK_SIZE: 128 * 1024 * 1024,
      });
    });
  });

  describe('when the registry asks for a minimum chunk length', () => {
    it('sends chunks no smaller than OCI-Chunk-Min-Length', async () => {
      const { server, ranges, stored } = await uploadServer(100_000);
      const client = new RegistryClient({ chunkSize: 1000, monolithicThreshold: 0, retries: 0 });
      clients.push(client);
      const data = Buffer.alloc(250_000, 7);
      await client
        .repository(server.host, 'a/b')
        .blobs.push({ mediaType: 'x', digest: digestOf(data), size: data.length }, data);
      expect(ranges).toEqual(['0-99999', '100000-199999', '200000-249999']);
      expect(stored().equals(data)).toBe(true);
    });
  });

  describe('when the blob is below the monolithic threshold', () => {
    it('sends it in the closing PUT with no PATCH', async () => {
      const { server, ranges, stored } = await uploadServer();
      const client = new RegistryClient({ retries: 0 });
      clients.push(client);
      const data = Buffer.from('small blob');
      await client
        .repository(server.host, 'a/b')
        .blobs.push({ mediaType: 'x', digest: digestOf(data), size: data.length }, data);
      expect(ranges).toEqual([]);
      expect(server.seen.map((r) => r.method)).toEqual(['HEAD', 'POST', 'PUT']);
      expect(stored().equals(data)).toBe(true);
    });
  });

  describe('when the source does not hash to the expected digest', () => {
    it('fails with the registry refusal and does not retry it', async () => {
      const { server } = await uploadServer();
      const client = new RegistryClient({ retries: 3 });
      clients.push(client);
      const data = Buffer.from('actual bytes');
      const error = await client
        .repository(server.host, 'a/b')
        .blobs.push({ mediaType: 'x', digest: digestOf('claimed bytes'), size: data.length }, data)
        .catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'RegistryError', status: 400, registryCodes: ['DIGEST_INVALID'] });
      expect(server.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
    });
  });
});
