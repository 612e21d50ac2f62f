import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archiveFileName, familiarName, planArchive, resolveImage } from '@sovereign-ci/archive';
import { fixturePath } from '../../harness/fixtures';
import { fakeImage } from './fake-image';
import { shapeOf } from './shape';

const v25 = (file: string) => readFileSync(fixturePath('docker-save', 'extracted', 'hello-world-v25', file));
const json = (buffer: Buffer): unknown => JSON.parse(buffer.toString('utf8'));

async function plan(tag: string | undefined) {
  const fake = fakeImage();
  const base = { registry: '127.0.0.1:5000', repository: 'team/app' };
  const name = tag ? { ...base, tag } : { ...base, digest: fake.manifestDigest };
  return { fake, plan: planArchive(await resolveImage(fake.source, name, 'linux/amd64')) };
}

describe('planArchive', () => {
  describe('when the reference has no tag (as the v25 fixture was saved)', () => {
    it('writes a manifest.json with exactly the structure of the docker save fixture', async () => {
      const { plan: p } = await plan(undefined);
      expect(shapeOf(json(p.manifestJson))).toEqual(shapeOf(json(v25('manifest.json'))));
    });
  });

  describe('when the reference has a tag', () => {
    it('records RepoTags as the legacy fixtures do (an array of name:tag)', async () => {
      const { plan: p } = await plan('v1');
      const legacy = json(
        readFileSync(fixturePath('docker-save', 'extracted', 'test_image_1', 'manifest.json')),
      );
      const ours = json(p.manifestJson) as Record<string, unknown>[];
      expect(shapeOf(ours[0]?.RepoTags)).toEqual(shapeOf((legacy as Record<string, unknown>[])[0]?.RepoTags));
      expect(ours[0]?.RepoTags).toEqual(['127.0.0.1:5000/team/app:v1']);
    });

    it('points Config and Layers into blobs/sha256 like Docker 25+, with LayerSources keyed by diff ID', async () => {
      const { fake, plan: p } = await plan('v1');
      const fixture = (json(v25('manifest.json')) as { Config: string }[])[0] as { Config: string };
      expect(fixture.Config).toMatch(/^blobs\/sha256\/[0-9a-f]{64}$/);
      const config = JSON.parse(fake.blobs.get(fake.configDigest)?.toString() ?? '{}') as {
        rootfs: { diff_ids: string[] };
      };
      expect(json(p.manifestJson)).toEqual([
        {
          Config: `blobs/sha256/${fake.configDigest.slice(7)}`,
          RepoTags: ['127.0.0.1:5000/team/app:v1'],
          Layers: fake.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
          LayerSources: Object.fromEntries(
            fake.layers.map((l, i) => [
              config.rootfs.diff_ids[i],
              { mediaType: l.mediaType, size: l.size, digest: l.digest },
            ]),
          ),
        },
      ]);
    });

    it('writes index.json with the manifest descriptor annotated as docker save does', async () => {
      const { fake, plan: p } = await plan('v1');
      const manifestBytes = (await fake.source.manifests.fetch(fake.manifestDigest)).bytes;
      expect(json(p.indexJson)).toEqual({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: fake.manifestDigest,
            size: manifestBytes.length,
            annotations: {
              'io.containerd.image.name': '127.0.0.1:5000/team/app:v1',
              'org.opencontainers.image.ref.name': 'v1',
            },
            platform: { architecture: 'amd64', os: 'linux' },
          },
        ],
      });
      const fixtureIndex = json(v25('index.json')) as Record<string, unknown>;
      expect(Object.keys(json(p.indexJson) as object).sort()).toEqual(Object.keys(fixtureIndex).sort());
      expect(p.ociLayout.equals(v25('oci-layout'))).toBe(true);
    });

    it('lists blobs, then index.json, manifest.json and oci-layout, like the fixture tar', async () => {
      const { fake, plan: p } = await plan('v1');
      expect(p.entries.map((e) => e.path)).toEqual([
        'blobs',
        'blobs/sha256',
        `blobs/sha256/${fake.configDigest.slice(7)}`,
        ...fake.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
        `blobs/sha256/${fake.manifestDigest.slice(7)}`,
        'index.json',
        'manifest.json',
        'oci-layout',
      ]);
    });
  });
});

describe('familiarName', () => {
  it.each([
    ['docker.io', 'library/alpine', 'alpine'],
    ['docker.io', 'team/app', 'team/app'],
    ['harbor.lab:8443', 'infra/runner', 'harbor.lab:8443/infra/runner'],
  ])('%s %s -> %s', (registry, repository, expected) => {
    expect(familiarName(registry, repository)).toEqual(expected);
  });
});

describe('archiveFileName', () => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  it.each([
    ['none', 'runner-0123456789ab.tar'],
    ['gzip', 'runner-0123456789ab.tar.gz'],
  ] as const)('with %s compression is %s', (compression, expected) => {
    expect(archiveFileName('runner', digest, compression)).toEqual(expected);
  });
});
