import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { digestOf, RegistryClient, SourceChangedError } from '@sovereign-ci/oci';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';

const CHUNK = 256 * 1024;

function sha256sum(file: string): string {
  return `sha256:${execFileSync(requireTool('sha256sum'), [file], { encoding: 'utf8' }).split(' ')[0]}`;
}

/** HTTP status of a HEAD on the blob, asked with curl. */
function headStatus(reg: TestRegistry, repo: string, digest: string): string {
  return execFileSync(
    requireTool('curl'),
    ['-s', '-o', '/dev/null', '-I', '-w', '%{http_code}', `${reg.url}/v2/${repo}/blobs/${digest}`],
    { encoding: 'utf8' },
  );
}

describe('BlobStore.pushComputed against a registry', () => {
  let reg: TestRegistry;
  let tmp: TempDir;
  let proxy: FaultProxy | undefined;
  let client: RegistryClient | undefined;

  beforeAll(async () => {
    reg = await startRegistry('plain');
    tmp = await tempDir('push-computed');
  });
  afterEach(async () => {
    await client?.close();
    await proxy?.stop();
    client = undefined;
    proxy = undefined;
  });
  afterAll(async () => {
    await reg?.stop();
    await tmp?.cleanup();
  });

  const through = async (plan: Parameters<typeof startFaultProxy>[1]) => {
    proxy = await startFaultProxy(reg.url, plan);
    client = new RegistryClient({ chunkSize: CHUNK, monolithicThreshold: CHUNK });
    return proxy;
  };

  describe('when a file is streamed with no digest known', () => {
    it.each([
      { name: 'in one PATCH', size: 200_000, patches: 1 },
      { name: 'in chunks', size: 3 * CHUNK + 1234, patches: 4 },
    ])('stores it $name under the digest sha256sum computes', async ({ size, patches }) => {
      const file = path.join(tmp.path, `blob-${size}`);
      await writeFile(file, randomBytes(size));
      const p = await through({});
      const repo = 'computed/plain';
      const got = await client!
        .repository(p.host, repo)
        .blobs.pushComputed({ mediaType: 'application/octet-stream', size }, () => createReadStream(file));
      expect(got).toEqual({ mediaType: 'application/octet-stream', size, digest: sha256sum(file) });
      expect(headStatus(reg, repo, got.digest)).toBe('200');
      expect(p.requests.map((r) => r.method)).toEqual([
        'POST',
        ...Array<string>(patches).fill('PATCH'),
        'PUT',
      ]);
    });
  });

  describe('when connections are reset mid-PATCH', () => {
    it('resumes at the registry offset and ends with the right digest', async () => {
      const p = await through({ resetAfterBytes: 100_000, resetTimes: 2, match: (m) => m === 'PATCH' });
      const data = randomBytes(1024 * 1024);
      const repo = 'computed/resumed';
      const got = await client!
        .repository(p.host, repo)
        .blobs.pushComputed({ mediaType: 'application/octet-stream', size: data.length }, () =>
          Readable.from([data]),
        );
      expect(got.digest).toBe(digestOf(data));
      expect(headStatus(reg, repo, got.digest)).toBe('200');
      expect(p.requests.filter((r) => r.fault === 'reset').map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
      expect(p.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    });
  });

  describe('when the source yields different bytes on reopen', () => {
    const changing = () => {
      const versions: Buffer[] = [];
      const source = () => {
        const bytes = randomBytes(3 * CHUNK);
        versions.push(bytes);
        return Readable.from([bytes]);
      };
      return { versions, source };
    };

    it('refuses to resume after bytes already committed and publishes neither version', async () => {
      let patches = 0;
      const p = await through({
        resetAfterBytes: 100_000,
        resetTimes: 1,
        match: (m) => m === 'PATCH' && ++patches === 2,
      });
      const { versions, source } = changing();
      const repo = 'computed/changing';
      const error = await client!
        .repository(p.host, repo)
        .blobs.pushComputed({ mediaType: 'application/octet-stream', size: 3 * CHUNK }, source)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SourceChangedError);
      expect(versions).toHaveLength(2);
      expect(versions.map((v) => headStatus(reg, repo, digestOf(v)))).toEqual(['404', '404']);
      expect(p.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    });

    it('publishes only a whole version when the registry kept nothing of the first', async () => {
      // distribution drops the bytes of a PATCH whose connection broke: the resume starts at 0
      const p = await through({ resetAfterBytes: 100_000, resetTimes: 1, match: (m) => m === 'PATCH' });
      const { versions, source } = changing();
      const repo = 'computed/changing-early';
      const got = await client!
        .repository(p.host, repo)
        .blobs.pushComputed({ mediaType: 'application/octet-stream', size: 3 * CHUNK }, source);
      expect(versions).toHaveLength(2);
      expect(got.digest).toBe(digestOf(versions[1] as Buffer));
      expect(versions.map((v) => headStatus(reg, repo, digestOf(v)))).toEqual(['404', '200']);
    });
  });
});
