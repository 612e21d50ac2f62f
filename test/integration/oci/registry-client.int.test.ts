import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyImage,
  digestOf,
  dockerConfigCredentials,
  MediaType,
  pushManifestWithBlobs,
  pushReferrer,
  RegistryClient,
  selectPlatform,
  type Descriptor,
  type ImageIndex,
} from '@sovereign-ci/oci';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { settledLog, startRegistry, type RegistryVariant, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { buildImage, buildIndex } from './images';
import { ociSchemaErrors } from './oci-schema';

const variants: RegistryVariant[] = ['plain', 'basic', 'token', 'tls'];

function storedBlobSha256(reg: TestRegistry, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  const file = path.join(reg.dataDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  return `sha256:${execFileSync(requireTool('sha256sum'), [file], { encoding: 'utf8' }).split(' ')[0]}`;
}

async function inspectRaw(reg: TestRegistry, ref: string): Promise<string> {
  return (await skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/${ref}`]))
    .stdout;
}

describe('RegistryClient', () => {
  beforeAll(() => {
    requireTool('skopeo');
    requireTool('sha256sum');
  });

  describe.each(variants)('when the registry is %s', (variant) => {
    let reg: TestRegistry;
    let config: TestDockerConfig;
    let client: RegistryClient;

    beforeAll(async () => {
      reg = await startRegistry(variant);
      config = await writeTestDockerConfig([reg]);
      client = new RegistryClient({
        credentials: dockerConfigCredentials(config.configPath),
        ...(reg.caFile ? { caFile: reg.caFile } : {}),
        chunkSize: 64 * 1024,
        monolithicThreshold: 64 * 1024,
      });
    });
    afterAll(async () => {
      await client?.close();
      await config?.cleanup();
      await reg?.stop();
    });

    it('pushes an image that skopeo reads back byte for byte and that the OCI schema accepts', async () => {
      const image = buildImage(`hello ${variant}\n`);
      const repo = client.repository(reg.host, 'team/app');
      const pushed = await pushManifestWithBlobs(
        repo,
        image.blobs,
        { mediaType: MediaType.ociManifest, bytes: image.bytes },
        'v1',
      );

      expect(pushed).toEqual({
        mediaType: MediaType.ociManifest,
        digest: digestOf(image.bytes),
        size: image.bytes.length,
      });
      expect(await inspectRaw(reg, 'team/app:v1')).toEqual(image.bytes.toString('utf8'));
      expect(ociSchemaErrors('image-manifest-schema.json', image.manifest)).toEqual([]);
      const out = await tempDir('oci-copy');
      try {
        await skopeo([
          'copy',
          ...skopeoFlags(reg, 'src'),
          `docker://${reg.host}/team/app:v1`,
          `oci:${out.path}:v1`,
        ]);
        const layer = image.manifest.layers[0]!;
        const file = path.join(out.path, 'blobs/sha256', layer.digest.slice(7));
        expect(digestOf(readFileSync(file))).toEqual(layer.digest);
      } finally {
        await out.cleanup();
      }
      expect(await repo.manifests.resolve('v1')).toEqual(pushed);
      const fetched = await repo.manifests.fetch('v1');
      expect(fetched.bytes.equals(image.bytes)).toBe(true);
    });

    it('uploads a blob larger than the chunk size in PATCH chunks and a small one in one PUT', async () => {
      const big = randomBytes(300_000);
      const small = randomBytes(1000);
      const bigDesc = { mediaType: 'application/octet-stream', digest: digestOf(big), size: big.length };
      const smallDesc = {
        mediaType: 'application/octet-stream',
        digest: digestOf(small),
        size: small.length,
      };
      const progress: number[] = [];
      await client
        .repository(reg.host, 'chunked/blob')
        .blobs.push(bigDesc, big, { onProgress: (n) => progress.push(n) });
      await client.repository(reg.host, 'monolithic/blob').blobs.push(smallDesc, small);

      const log = await settledLog(reg);
      expect(log.match(/"PATCH \/v2\/chunked\/blob\/blobs\/uploads\//g)?.length).toEqual(5);
      expect(log.match(/"PATCH \/v2\/monolithic\/blob\//g)).toBeNull();
      expect(progress).toEqual([65536, 131072, 196608, 262144, 300000, 300000]);
      expect(storedBlobSha256(reg, bigDesc.digest)).toEqual(bigDesc.digest);
      expect(storedBlobSha256(reg, smallDesc.digest)).toEqual(smallDesc.digest);
      const back = await client.repository(reg.host, 'chunked/blob').blobs.fetchBytes(bigDesc);
      expect(back.equals(big)).toBe(true);
    });

    it('pushes an index after its children and picks a platform from it', async () => {
      const amd = buildImage('amd64\n');
      const arm = buildImage('arm64\n', { os: 'linux', architecture: 'arm64', variant: 'v8' });
      const repo = client.repository(reg.host, 'team/multi');
      for (const child of [amd, arm]) {
        await pushManifestWithBlobs(repo, child.blobs, {
          mediaType: MediaType.ociManifest,
          bytes: child.bytes,
        });
      }
      const index = buildIndex([amd, arm]);
      await repo.manifests.push(MediaType.ociIndex, index.bytes, 'latest');

      expect(await inspectRaw(reg, 'team/multi:latest')).toEqual(index.bytes.toString('utf8'));
      expect(ociSchemaErrors('image-index-schema.json', index.index)).toEqual([]);
      const fetched = await repo.manifests.fetch('latest');
      expect(selectPlatform(fetched.manifest as ImageIndex, 'linux/arm64/v8').digest).toEqual(
        arm.descriptor.digest,
      );
      expect(selectPlatform(fetched.manifest as ImageIndex, 'linux/amd64').digest).toEqual(
        amd.descriptor.digest,
      );
      expect(() => selectPlatform(fetched.manifest as ImageIndex, 'linux/s390x')).toThrow(
        'no image for platform linux/s390x in the index; available: linux/amd64, linux/arm64/v8',
      );
    });

    it('lists every tag across pages', async () => {
      const image = buildImage('tags\n');
      const repo = client.repository(reg.host, 'team/tags');
      const tags = ['a1', 'b2', 'c3', 'd4', 'e5'];
      for (const tag of tags) {
        await pushManifestWithBlobs(
          repo,
          image.blobs,
          { mediaType: MediaType.ociManifest, bytes: image.bytes },
          tag,
        );
      }
      // distribution 2.8 ignores `n` on tags/list (Link paging of tags is unit-tested against a fake)
      expect((await repo.listTags({ pageSize: 2 })).sort()).toEqual(tags);
      const listed = JSON.parse(
        (await skopeo(['list-tags', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/team/tags`])).stdout,
      ) as { Tags: string[] };
      expect(listed.Tags.sort()).toEqual(tags);
    });

    it('lists the catalog across Link pages', async () => {
      const image = buildImage('catalog\n');
      for (const name of ['cat/one', 'cat/two', 'cat/three']) {
        const repo = client.repository(reg.host, name);
        await pushManifestWithBlobs(
          repo,
          image.blobs,
          { mediaType: MediaType.ociManifest, bytes: image.bytes },
          'v1',
        );
      }
      const repos = await client.catalog(reg.host, { pageSize: 2 });
      expect(repos).toEqual([...repos].sort());
      expect(repos).toEqual(expect.arrayContaining(['cat/one', 'cat/three', 'cat/two']));
      const pages = (await settledLog(reg)).match(/"GET \/v2\/_catalog\?[^ ]*n=2[^ ]* HTTP/g) ?? [];
      // every page but the last holds 2 names, so following Link took at least this many requests
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(repos.length / 2));
      expect(repos.length).toBeGreaterThan(2);
    });

    it('mounts a blob from another repository of the same registry', async () => {
      const data = randomBytes(5000);
      const d: Descriptor = {
        mediaType: 'application/octet-stream',
        digest: digestOf(data),
        size: data.length,
      };
      await client.repository(reg.host, 'mount/source').blobs.push(d, data);
      const target = client.repository(reg.host, 'mount/target');
      expect(await target.blobs.exists(d.digest)).toBeUndefined();
      expect(await target.blobs.mount(d, 'mount/source')).toBe(true);
      expect(await target.blobs.exists(d.digest)).toEqual({ ...d });
      expect(await target.blobs.mount({ ...d, digest: digestOf('absent') }, 'mount/source')).toBe(false);
    });

    it('finds referrers through the sha256-<hex> tag when the registry has no referrers API', async () => {
      const subject = buildImage('subject\n');
      const repo = client.repository(reg.host, 'team/signed');
      await pushManifestWithBlobs(
        repo,
        subject.blobs,
        { mediaType: MediaType.ociManifest, bytes: subject.bytes },
        'v1',
      );
      const empty = Buffer.from('{}');
      const emptyDesc = { mediaType: MediaType.ociEmpty, digest: digestOf(empty), size: 2 };
      await repo.blobs.push(emptyDesc, empty);
      const artifactType = 'application/vnd.example.signature.v1+json';
      const referrer = {
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        artifactType,
        config: emptyDesc,
        layers: [emptyDesc],
        subject: {
          mediaType: MediaType.ociManifest,
          digest: subject.descriptor.digest,
          size: subject.descriptor.size,
        },
      };
      const bytes = Buffer.from(JSON.stringify(referrer));
      expect(ociSchemaErrors('image-manifest-schema.json', referrer)).toEqual([]);

      const pushed = await pushReferrer(repo, MediaType.ociManifest, bytes);
      expect(await repo.referrersApi(subject.descriptor.digest)).toBeUndefined();
      const expected = [
        { mediaType: MediaType.ociManifest, digest: digestOf(bytes), size: bytes.length, artifactType },
      ];
      expect(await repo.referrers(subject.descriptor.digest)).toEqual(expected);
      expect(await repo.referrers(subject.descriptor.digest, 'application/other')).toEqual([]);
      expect(pushed).toEqual(expected[0]);
      const tagIndex = JSON.parse(
        await inspectRaw(reg, `team/signed:${subject.descriptor.digest.replace(':', '-')}`),
      );
      expect(tagIndex.manifests).toEqual(expected);
    });

    it('copies an index with every child and blob to another repository, tagging last', async () => {
      const a = buildImage('copy a\n');
      const b = buildImage('copy b\n', { os: 'linux', architecture: 'arm64' });
      const src = client.repository(reg.host, 'copy/src');
      for (const child of [a, b]) {
        await pushManifestWithBlobs(src, child.blobs, {
          mediaType: MediaType.ociManifest,
          bytes: child.bytes,
        });
      }
      const index = buildIndex([a, b]);
      await src.manifests.push(MediaType.ociIndex, index.bytes, 'v2');
      const events: string[] = [];
      const root = await copyImage(
        client,
        { registry: reg.host, repository: 'copy/src', tag: 'v2' },
        { registry: reg.host, repository: 'copy/dst', tag: 'v2' },
        { onProgress: (e) => events.push(`${e.kind}:${e.action}`) },
      );
      expect(root).toEqual(index.descriptor);
      expect(await inspectRaw(reg, 'copy/dst:v2')).toEqual(index.bytes.toString('utf8'));
      expect(await inspectRaw(reg, `copy/dst@${b.descriptor.digest}`)).toEqual(b.bytes.toString('utf8'));
      expect(events.filter((e) => e === 'blob:mounted')).toHaveLength(4);
      expect(events.at(-1)).toEqual('manifest:pushed');
    });
  });

  describe('when a token registry grants anonymous pull only', () => {
    it('pulls anonymously and explains a refused push with the scope and the login step', async () => {
      const reg = await startRegistry('token', { anonymousPull: true });
      const config = await writeTestDockerConfig([reg]);
      const owner = new RegistryClient({ credentials: dockerConfigCredentials(config.configPath) });
      const anonymous = new RegistryClient();
      try {
        const image = buildImage('public\n');
        await pushManifestWithBlobs(
          owner.repository(reg.host, 'pub/app'),
          image.blobs,
          {
            mediaType: MediaType.ociManifest,
            bytes: image.bytes,
          },
          'v1',
        );
        const fetched = await anonymous.repository(reg.host, 'pub/app').manifests.fetch('v1');
        expect(fetched.descriptor.digest).toEqual(image.descriptor.digest);
        const error = await anonymous
          .repository(reg.host, 'pub/app')
          .manifests.push(MediaType.ociManifest, image.bytes, 'v2')
          .catch((e: Error) => e);
        expect(error).toMatchObject({
          name: 'RegistryError',
          code: 'UNAUTHORIZED',
          status: 401,
          method: 'PUT',
        });
        expect((error as Error).message).toEqual(
          expect.stringMatching(
            new RegExp(
              `^401 from ${reg.host} for repository:pub/app:pull,push: .* — no credentials for ${reg.host} were found; run the login step for ${reg.host}$`,
            ),
          ),
        );
      } finally {
        await owner.close();
        await anonymous.close();
        await config.cleanup();
        await reg.stop();
      }
    });
  });

  describe('when the registry allows deletes', () => {
    it('deletes a manifest and a blob by digest', async () => {
      const reg = await startRegistry('token', { deleteEnabled: true });
      const config = await writeTestDockerConfig([reg]);
      const client = new RegistryClient({ credentials: dockerConfigCredentials(config.configPath) });
      try {
        const image = buildImage('to delete\n');
        const repo = client.repository(reg.host, 'team/gone');
        const pushed = await pushManifestWithBlobs(
          repo,
          image.blobs,
          { mediaType: MediaType.ociManifest, bytes: image.bytes },
          'v1',
        );
        await repo.manifests.delete(pushed.digest);
        await repo.blobs.delete(image.blobs[1]!.descriptor.digest);
        expect(await repo.manifests.exists(pushed.digest)).toBeUndefined();
        expect(await repo.manifests.exists('v1')).toBeUndefined();
        expect(await repo.blobs.exists(image.blobs[1]!.descriptor.digest)).toBeUndefined();
        await expect(inspectRaw(reg, 'team/gone:v1')).rejects.toThrow(/manifest unknown|not found/i);
      } finally {
        await client.close();
        await config.cleanup();
        await reg.stop();
      }
    });
  });

  describe('when copying between two registries', () => {
    it('streams every blob across and both sides have the same digest', async () => {
      const from = await startRegistry('plain');
      const to = await startRegistry('tls');
      const client = new RegistryClient({ caFile: to.caFile!, chunkSize: 1024, monolithicThreshold: 1024 });
      try {
        const image = buildImage('across\n'.repeat(2000));
        await pushManifestWithBlobs(
          client.repository(from.host, 'x/app'),
          image.blobs,
          {
            mediaType: MediaType.ociManifest,
            bytes: image.bytes,
          },
          '1.0',
        );
        const root = await copyImage(
          client,
          { registry: from.host, repository: 'x/app', tag: '1.0' },
          { registry: to.host, repository: 'y/app', tag: '1.0' },
        );
        expect(root.digest).toEqual(image.descriptor.digest);
        const inspected = JSON.parse(
          (await skopeo(['inspect', ...skopeoFlags(to, 'plain'), `docker://${to.host}/y/app:1.0`])).stdout,
        ) as { Digest: string };
        expect(inspected.Digest).toEqual(image.descriptor.digest);
        for (const blob of image.blobs)
          expect(storedBlobSha256(to, blob.descriptor.digest)).toEqual(blob.descriptor.digest);
      } finally {
        await client.close();
        await from.stop();
        await to.stop();
      }
    });
  });
});
