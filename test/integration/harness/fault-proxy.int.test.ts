import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../harness/fault-proxy';
import type { FaultProxy } from '../../harness/fault-proxy';
import { sha256Digest, writeTinyOciLayout } from '../../harness/oci-layout';
import { startRegistry } from '../../harness/registry';
import type { TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir } from '../../harness/temp';

const BLOB = randomBytes(256 * 1024);
const DIGEST = sha256Digest(BLOB);
const REPO = 'harness/faults';

async function pushBlob(base: string, data: Buffer): Promise<Response> {
  const start = await fetch(`${base}/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
  const location = start.headers.get('location') ?? '';
  const put = new URL(location, base);
  put.searchParams.set('digest', sha256Digest(data));
  return fetch(put, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } });
}

describe('startFaultProxy', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    reg = await startRegistry('plain');
    const res = await pushBlob(reg.url, BLOB);
    expect(res.status).toBe(201);
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });
  afterAll(() => reg?.stop());

  describe('when told to answer 503 twice', () => {
    it('answers 503, 503, then forwards', async () => {
      proxy = await startFaultProxy(reg.url, { status503: { times: 2 } });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${proxy.url}/v2/`)).status);
      expect({ statuses, seen: proxy.requests }).toEqual({
        statuses: [503, 503, 200],
        seen: [
          { method: 'GET', path: '/v2/', status: 503, fault: '503' },
          { method: 'GET', path: '/v2/', status: 503, fault: '503' },
          { method: 'GET', path: '/v2/', status: 200 },
        ],
      });
    });
  });

  describe('when told to answer 429', () => {
    it('sends Retry-After, only to matching requests', async () => {
      proxy = await startFaultProxy(reg.url, {
        status429: { times: 1, retryAfterSeconds: 7 },
        match: (_method, p) => p.includes('/blobs/'),
      });
      const other = await fetch(`${proxy.url}/v2/`);
      const limited = await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`);
      const after = await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`);
      const body = Buffer.from(await after.arrayBuffer());
      expect([
        other.status,
        limited.status,
        limited.headers.get('retry-after'),
        after.status,
        sha256Digest(body),
      ]).toEqual([200, 429, '7', 200, DIGEST]);
    });
  });

  describe('when told to reset after some bytes', () => {
    it('cuts a blob download mid-body, once when resetTimes is 1', async () => {
      proxy = await startFaultProxy(reg.url, { resetAfterBytes: 10_000, resetTimes: 1 });
      const first = await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`);
      const failure = await first.arrayBuffer().then(
        () => 'complete',
        (err: Error) => err.name,
      );
      const second = Buffer.from(
        await (await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`)).arrayBuffer(),
      );
      expect({
        firstStatus: first.status,
        failure,
        second: sha256Digest(second),
        faults: proxy.requests.map((r) => r.fault),
      }).toEqual({
        firstStatus: 200,
        failure: 'TypeError',
        second: DIGEST,
        faults: ['reset', undefined],
      });
    });

    it('cuts an upload mid-body so the registry never gets the blob', async () => {
      const data = randomBytes(200 * 1024);
      proxy = await startFaultProxy(reg.url, {
        resetAfterBytes: 50_000,
        match: (method) => method === 'PUT',
      });
      const outcome = await pushBlob(proxy.url, data).then(
        (r) => r.status,
        (err: Error) => err.name,
      );
      const head = await fetch(`${reg.url}/v2/${REPO}/blobs/${sha256Digest(data)}`, { method: 'HEAD' });
      expect([outcome, head.status, proxy.requests.map((r) => r.fault)]).toEqual([
        'TypeError',
        404,
        [undefined, 'reset'],
      ]);
    });
  });

  describe('when a client gives up mid-body', () => {
    it('keeps serving the next request', async () => {
      proxy = await startFaultProxy(reg.url, {});
      const abort = new AbortController();
      const res = await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`, { signal: abort.signal });
      abort.abort();
      await res.arrayBuffer().catch(() => undefined);
      const again = Buffer.from(await (await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`)).arrayBuffer());
      expect(sha256Digest(again)).toBe(DIGEST);
    });
  });

  describe('when told to corrupt a byte', () => {
    it('flips exactly that byte of the body', async () => {
      proxy = await startFaultProxy(reg.url, { corruptByteAt: 100_000 });
      const got = Buffer.from(await (await fetch(`${proxy.url}/v2/${REPO}/blobs/${DIGEST}`)).arrayBuffer());
      const differing = [...got.keys()].filter((i) => got[i] !== BLOB[i]);
      expect({ length: got.length, differing, flipped: (got[100_000] ?? 0) ^ (BLOB[100_000] ?? 0) }).toEqual({
        length: BLOB.length,
        differing: [100_000],
        flipped: 0xff,
      });
      expect(sha256Digest(got)).not.toBe(DIGEST);
    });
  });

  describe('when the registry answers with a Location', () => {
    it('points it back at the proxy, so a push through the proxy works end to end', async () => {
      proxy = await startFaultProxy(reg.url, {});
      const start = await fetch(`${proxy.url}/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
      expect(start.headers.get('location')?.startsWith(`${proxy.url}/v2/${REPO}/blobs/uploads/`)).toBe(true);
      const tmp = await tempDir('proxy-push');
      try {
        const image = await writeTinyOciLayout(path.join(tmp.path, 'img'));
        const viaProxy = { ...reg, host: proxy.host, url: proxy.url };
        await skopeo([
          'copy',
          ...skopeoFlags(viaProxy, 'dest'),
          image.skopeoRef,
          `docker://${proxy.host}/harness/proxied:v1`,
        ]);
        const { stdout } = await skopeo([
          'inspect',
          '--raw',
          ...skopeoFlags(reg, 'plain'),
          `docker://${reg.host}/harness/proxied:v1`,
        ]);
        expect(sha256Digest(stdout)).toBe(image.manifestDigest);
      } finally {
        await tmp.cleanup();
      }
    });
  });
});
