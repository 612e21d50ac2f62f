import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  copyImage,
  digestOf,
  MediaType,
  pushManifestWithBlobs,
  RegistryClient,
  type Descriptor,
} from '@sovereign-ci/oci';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { requireTool } from '../../harness/tools';
import { buildImage } from './images';

function blobOf(bytes: Buffer): Descriptor {
  return { mediaType: 'application/octet-stream', digest: digestOf(bytes), size: bytes.length };
}

function storedSha256(reg: TestRegistry, digest: string): string {
  const hex = digest.slice(7);
  const file = path.join(reg.dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  return `sha256:${execFileSync(requireTool('sha256sum'), [file], { encoding: 'utf8' }).split(' ')[0]}`;
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('RegistryClient through a faulty network', () => {
  let reg: TestRegistry;
  let proxy: FaultProxy | undefined;
  let client: RegistryClient;

  beforeAll(async () => {
    reg = await startRegistry('plain');
  });
  afterEach(async () => {
    await client?.close();
    await proxy?.stop();
    proxy = undefined;
  });
  afterAll(async () => {
    await reg?.stop();
  });

  const through = async (plan: Parameters<typeof startFaultProxy>[1], chunkSize = 256 * 1024) => {
    proxy = await startFaultProxy(reg.url, plan);
    client = new RegistryClient({ chunkSize, monolithicThreshold: chunkSize });
    return proxy;
  };

  describe('when connections are reset mid-upload', () => {
    it('resumes a chunked upload at the offset the registry reports', async () => {
      const p = await through({ resetAfterBytes: 100_000, resetTimes: 2, match: (m) => m === 'PATCH' });
      const data = randomBytes(1024 * 1024);
      await client.repository(p.host, 'faults/chunked').blobs.push(blobOf(data), () => Readable.from([data]));
      expect(storedSha256(reg, digestOf(data))).toEqual(digestOf(data));
      expect(p.requests.filter((r) => r.fault === 'reset').map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
      expect(p.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/uploads/'))).toHaveLength(
        2,
      );
      expect(p.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });

    it('restarts a monolithic upload from byte 0', async () => {
      const p = await through({ resetAfterBytes: 50_000, resetTimes: 1, match: (m) => m === 'PUT' });
      const data = randomBytes(200_000);
      await client.repository(p.host, 'faults/monolithic').blobs.push(blobOf(data), data);
      expect(storedSha256(reg, digestOf(data))).toEqual(digestOf(data));
      expect(p.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    });
  });

  describe('when a download is cut', () => {
    it('resumes with a Range request and verifies the whole blob', async () => {
      const data = randomBytes(2 * 1024 * 1024);
      await new RegistryClient().repository(reg.host, 'faults/pull').blobs.push(blobOf(data), data);
      const p = await through({
        resetAfterBytes: 700_000,
        resetTimes: 1,
        match: (m, u) => m === 'GET' && u.includes('/blobs/sha256:'),
      });
      const back = await drain(await client.repository(p.host, 'faults/pull').blobs.fetch(blobOf(data)));
      expect(digestOf(back)).toEqual(digestOf(data));
      expect(p.requests.filter((r) => r.method === 'GET').map((r) => r.fault ?? r.status)).toEqual([
        'reset',
        206,
      ]);
    });
  });

  describe('when the registry throttles or fails', () => {
    it('honours Retry-After on 429 and retries 503', async () => {
      const image = buildImage('throttled\n');
      const p = await through({
        status429: { times: 2, retryAfterSeconds: 1 },
        status503: { times: 2 },
        match: (m) => m === 'PUT' || m === 'HEAD',
      });
      const started = Date.now();
      const repo = client.repository(p.host, 'faults/throttled');
      const pushed = await pushManifestWithBlobs(
        repo,
        image.blobs,
        { mediaType: MediaType.ociManifest, bytes: image.bytes },
        'v1',
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(pushed.digest).toEqual(image.descriptor.digest);
      expect(p.requests.map((r) => r.fault).filter(Boolean)).toEqual(['429', '429', '503', '503']);
      expect(
        (await new RegistryClient().repository(reg.host, 'faults/throttled').manifests.resolve('v1')).digest,
      ).toEqual(image.descriptor.digest);
    });

    it('gives up after the retry budget with a clear error', async () => {
      const p = await through({ status503: { times: 50 } });
      await expect(client.repository(p.host, 'faults/down').manifests.resolve('v1')).rejects.toMatchObject({
        name: 'RegistryError',
        code: 'REGISTRY_UNAVAILABLE',
        status: 503,
        message: expect.stringContaining('the registry failed'),
      });
      expect(p.requests).toHaveLength(5);
    });
  });

  describe('when bytes are corrupted in transit', () => {
    it('never accepts a corrupted blob', async () => {
      const data = randomBytes(300_000);
      await new RegistryClient().repository(reg.host, 'faults/corrupt').blobs.push(blobOf(data), data);
      const p = await through({ corruptByteAt: 1234, match: (m, u) => m === 'GET' && u.includes('/blobs/') });
      await expect(
        drain(await client.repository(p.host, 'faults/corrupt').blobs.fetch(blobOf(data))),
      ).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
      });
    });

    it('refuses a manifest whose bytes do not match the digest the registry claims', async () => {
      const image = buildImage('manifest corrupt\n');
      await pushManifestWithBlobs(
        new RegistryClient().repository(reg.host, 'faults/m'),
        image.blobs,
        {
          mediaType: MediaType.ociManifest,
          bytes: image.bytes,
        },
        'v1',
      );
      const p = await through({
        corruptByteAt: 20,
        match: (m, u) => m === 'GET' && u.includes('/manifests/'),
      });
      await expect(client.repository(p.host, 'faults/m').manifests.fetch('v1')).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
        message: expect.stringContaining('does not match its digest'),
      });
    });

    it('tags nothing when a copy reads a corrupted layer', async () => {
      const image = buildImage('copy corrupt\n'.repeat(100));
      await pushManifestWithBlobs(
        new RegistryClient().repository(reg.host, 'faults/src'),
        image.blobs,
        {
          mediaType: MediaType.ociManifest,
          bytes: image.bytes,
        },
        'v1',
      );
      const p = await through({
        corruptByteAt: 40,
        match: (m, u) => m === 'GET' && u.includes(image.blobs[1]!.descriptor.digest),
      });
      const target = await startRegistry('plain');
      try {
        await expect(
          copyImage(
            client,
            { registry: p.host, repository: 'faults/src', tag: 'v1' },
            { registry: target.host, repository: 'faults/dst', tag: 'v1' },
          ),
        ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
        const dst = client.repository(target.host, 'faults/dst');
        expect(await dst.manifests.exists('v1')).toBeUndefined();
        expect(await dst.blobs.exists(image.blobs[1]!.descriptor.digest)).toBeUndefined();
      } finally {
        await target.stop();
      }
    });
  });
});
