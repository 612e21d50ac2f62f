import { afterEach, describe, expect, it } from 'vitest';
import { digestOf, MediaType, RegistryClient } from '@sovereign-ci/oci';
import { fakeServer, json } from './fake-server';

const servers: { stop(): Promise<void> }[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const s of servers.splice(0)) await s.stop();
});

async function registry(handler: Parameters<typeof fakeServer>[0]) {
  const s = await fakeServer(handler);
  servers.push(s);
  const c = new RegistryClient({ retries: 0 });
  clients.push(c);
  return { server: s, repo: c.repository(s.host, 'team/app') };
}

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: digestOf('c'), size: 1 },
    layers: [],
  }),
);

describe('ManifestStore', () => {
  describe('when HEAD carries no digest', () => {
    it('falls back to GET and computes the digest from the bytes', async () => {
      const { server, repo } = await registry((req, res) => {
        res.writeHead(200, { 'content-type': MediaType.ociManifest, 'content-length': manifest.length });
        res.end(req.method === 'HEAD' ? undefined : manifest);
      });
      expect(await repo.manifests.resolve('v1')).toEqual({
        mediaType: MediaType.ociManifest,
        digest: digestOf(manifest),
        size: manifest.length,
      });
      expect(server.seen.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    });
  });

  describe('when the registry lies about a digest', () => {
    it.each([
      ['a tag whose Docker-Content-Digest is wrong', 'v1', digestOf('other')],
      ['a digest reference whose bytes differ', digestOf('other'), undefined],
    ])('refuses %s', async (_what, reference, claimed) => {
      const { repo } = await registry((_req, res) => {
        res.writeHead(200, {
          'content-type': MediaType.ociManifest,
          'content-length': manifest.length,
          ...(claimed ? { 'docker-content-digest': claimed } : {}),
        });
        res.end(manifest);
      });
      await expect(repo.manifests.fetch(reference)).rejects.toMatchObject({
        name: 'RegistryError',
        code: 'DIGEST_MISMATCH',
        message: expect.stringContaining('does not match its digest'),
      });
    });
  });

  describe('when the manifest is too large', () => {
    it.each([
      ['declared in Content-Length', true],
      ['streamed without a length', false],
    ])('refuses it when %s', async (_what, declared) => {
      const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
      const { repo } = await registry((_req, res) => {
        res.writeHead(200, {
          'content-type': MediaType.ociManifest,
          ...(declared ? { 'content-length': big.length } : {}),
        });
        res.end(big);
      });
      await expect(repo.manifests.fetch('v1')).rejects.toMatchObject({
        code: 'MANIFEST_TOO_LARGE',
        message: expect.stringContaining(
          '/team/app:v1 is larger than the 4194304-byte manifest limit; refusing it',
        ),
      });
    });
  });

  describe('when the content is not a manifest', () => {
    it('rejects the media type', async () => {
      const body = Buffer.from('{"schemaVersion":1,"name":"x"}');
      const { repo } = await registry((_req, res) => {
        res.writeHead(200, {
          'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws',
          'content-length': body.length,
        });
        res.end(body);
      });
      await expect(repo.manifests.fetch('v1')).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });
  });

  describe('when a manifest is unknown', () => {
    it('exists() is undefined and fetch() names the manifest and the registry code', async () => {
      const { server, repo } = await registry((_req, res) =>
        json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }),
      );
      expect(await repo.manifests.exists('v9')).toBeUndefined();
      const error = await repo.manifests.fetch('v9').catch((e: Error) => e);
      expect(error).toMatchObject({
        code: 'NOT_FOUND',
        status: 404,
        method: 'GET',
        registryCodes: ['MANIFEST_UNKNOWN'],
      });
      expect((error as Error).message).toEqual(
        `404 from ${server.host} for manifest ${server.host}/team/app:v9: MANIFEST_UNKNOWN manifest unknown`,
      );
    });
  });
});

describe('listTags', () => {
  describe('when the registry pages with Link', () => {
    it('follows every page', async () => {
      const all = ['a', 'b', 'c', 'd', 'e'];
      const { server, repo } = await registry((req, res) => {
        const url = new URL(req.url ?? '', 'http://x');
        const n = Number(url.searchParams.get('n'));
        const last = url.searchParams.get('last');
        const start = last ? all.indexOf(last) + 1 : 0;
        const tags = all.slice(start, start + n);
        const more = start + n < all.length;
        json(
          res,
          200,
          { name: 'team/app', tags },
          more ? { link: `</v2/team/app/tags/list?n=${n}&last=${tags.at(-1)}>; rel="next"` } : {},
        );
      });
      expect(await repo.listTags({ pageSize: 2 })).toEqual(all);
      expect(server.seen.map((r) => r.url)).toEqual([
        '/v2/team/app/tags/list?n=2',
        '/v2/team/app/tags/list?n=2&last=b',
        '/v2/team/app/tags/list?n=2&last=d',
      ]);
    });
  });

  describe('when a Link header points at another origin', () => {
    it('refuses to follow it and asks the other host nothing', async () => {
      const other = await fakeServer((_req, res) => json(res, 200, { name: 'team/app', tags: ['planted'] }));
      servers.push(other);
      const { repo } = await registry((_req, res) =>
        json(
          res,
          200,
          { name: 'team/app', tags: ['a'] },
          { link: `<${other.url}/v2/team/app/tags/list?last=a>; rel="next"` },
        ),
      );
      await expect(repo.listTags()).rejects.toMatchObject({
        name: 'RegistryError',
        code: 'PROTOCOL_ERROR',
        message: expect.stringContaining(`points to another host (${other.host})`) as unknown,
      });
      expect(other.seen).toEqual([]);
    });
  });
});

describe('referrers', () => {
  describe('when the registry has the referrers API', () => {
    it('uses it and filters by artifact type', async () => {
      const subject = digestOf('subject');
      const sig = {
        mediaType: MediaType.ociManifest,
        digest: digestOf('sig'),
        size: 10,
        artifactType: 'application/sig',
      };
      const sbom = {
        mediaType: MediaType.ociManifest,
        digest: digestOf('sbom'),
        size: 10,
        artifactType: 'application/sbom',
      };
      const { server, repo } = await registry((req, res) =>
        req.url?.startsWith(`/v2/team/app/referrers/${subject}`)
          ? json(
              res,
              200,
              { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [sig, sbom] },
              { 'content-type': MediaType.ociIndex },
            )
          : json(res, 404, {}),
      );
      expect(await repo.referrers(subject)).toEqual([sig, sbom]);
      expect(await repo.referrers(subject, 'application/sbom')).toEqual([sbom]);
      expect(server.seen.some((r) => r.url.includes('sha256-'))).toBe(false);
    });
  });
});

describe('BlobStore.fetch', () => {
  describe('when the registry serves more bytes than the descriptor says', () => {
    it('fails before handing out the surplus', async () => {
      const data = Buffer.from('0123456789');
      const { repo } = await registry((_req, res) => {
        res.writeHead(200);
        res.end(Buffer.concat([data, Buffer.from('extra')]));
      });
      const stream = await repo.blobs.fetch({ mediaType: 'x', digest: digestOf(data), size: data.length });
      const read = async () => {
        for await (const _ of stream) void _;
      };
      await expect(read()).rejects.toMatchObject({ code: 'SIZE_MISMATCH' });
    });
  });
});
