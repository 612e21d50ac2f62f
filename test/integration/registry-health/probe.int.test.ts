import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { RegistryClient, staticCredentials } from '@sovereign-ci/oci';
import { probeRegistry } from '@sovereign-ci/registry-health';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleImage, pushSampleIndex } from '../../harness/sample-images';

function storagePath(registry: TestRegistry, ...parts: string[]): string {
  return path.join(registry.dataDir, 'docker', 'registry', 'v2', ...parts);
}

const hex = (digest: string) => digest.slice('sha256:'.length);

describe('probeRegistry', () => {
  let registry: TestRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    registry = await startRegistry('basic');
    client = new RegistryClient({
      credentials: staticCredentials(registry.host, {
        username: registry.username,
        password: registry.password,
      }),
    });
  });
  afterAll(() => registry?.stop());

  const probe = () =>
    probeRegistry(client, { registry: registry.host, blobs: true, concurrency: 4, logger: silentLogger });

  describe('when the registry is healthy', () => {
    it('walks the catalog and reports nothing broken', async () => {
      await pushSampleImage(client.repository(registry.host, 'team/app'), 'v1');
      await pushSampleImage(client.repository(registry.host, 'team/app'), 'v2');
      await pushSampleIndex(client.repository(registry.host, 'team/multi'), 'latest');
      const report = await probe();
      expect(report).toEqual({
        registry: registry.host,
        // app: 2 manifests + 2 configs + 2 layers; multi: index + 2 children, 2 configs + 2 layers
        checked: { repositories: 2, tags: 3, manifests: 5, blobs: 8 },
        broken: [],
      });
    });
  });

  describe('when storage lost an index child and a blob', () => {
    it('reports exactly those, with repository, tag and digest', async () => {
      const image = await pushSampleImage(client.repository(registry.host, 'team/lossy'), 'v1');
      const multi = await pushSampleIndex(client.repository(registry.host, 'team/orphans'), 'v1');
      const child = multi.children[1]!.manifest.digest;
      await rm(
        storagePath(
          registry,
          'repositories',
          'team/orphans',
          '_manifests',
          'revisions',
          'sha256',
          hex(child),
        ),
        {
          recursive: true,
        },
      );
      const layer = image.layers[0]!.digest;
      await rm(storagePath(registry, 'blobs', 'sha256', hex(layer).slice(0, 2), hex(layer)), {
        recursive: true,
      });

      const report = await probe();
      expect(report.broken).toEqual([
        {
          repository: 'team/lossy',
          tag: 'v1',
          kind: 'missing-blob',
          digest: layer,
          detail: image.layers[0]!.mediaType,
        },
        {
          repository: 'team/orphans',
          tag: 'v1',
          kind: 'missing-child',
          digest: child,
          detail: 'index child application/vnd.oci.image.manifest.v1+json (linux/arm64)',
        },
      ]);
    });
  });

  describe('when two tags point at an index that lost a child', () => {
    it('reports the missing child for each tag', async () => {
      const repository = client.repository(registry.host, 'team/shared');
      const multi = await pushSampleIndex(repository, 'v1');
      await repository.manifests.push(
        multi.index.mediaType,
        (await repository.manifests.fetch('v1')).bytes,
        'latest',
      );
      const child = multi.children[0]!.manifest.digest;
      const revision = ['repositories', 'team/shared', '_manifests', 'revisions', 'sha256', hex(child)];
      await rm(storagePath(registry, ...revision), { recursive: true });

      const report = await probe();
      expect(
        report.broken.filter((b) => b.repository === 'team/shared').map((b) => [b.tag, b.kind, b.digest]),
      ).toEqual([
        ['latest', 'missing-child', child],
        ['v1', 'missing-child', child],
      ]);
    });
  });

  describe('when the stored bytes of an index child no longer match its digest', () => {
    it('reports that child and goes on probing the rest', async () => {
      const multi = await pushSampleIndex(client.repository(registry.host, 'team/rotten-child'), 'v1');
      const child = multi.children[0]!.manifest.digest;
      const data = storagePath(registry, 'blobs', 'sha256', hex(child).slice(0, 2), hex(child), 'data');
      await writeFile(
        data,
        (await readFile(data, 'utf8')).replace('"schemaVersion":2', '"schemaVersion": 2'),
      );

      const report = await probe();
      expect(report.broken.filter((b) => b.repository === 'team/rotten-child')).toEqual([
        {
          repository: 'team/rotten-child',
          tag: 'v1',
          kind: 'digest-mismatch',
          digest: child,
          detail: expect.stringMatching(/^index child .*linux\/amd64.*does not match its digest/),
        },
      ]);
      expect(report.broken.filter((b) => b.repository === 'team/app')).toEqual([]);
    });
  });

  describe('when stored manifest bytes no longer match their digest', () => {
    it('reports a digest mismatch for that tag', async () => {
      const image = await pushSampleImage(client.repository(registry.host, 'team/rotten'), 'v1');
      const digest = image.manifest.digest;
      const data = storagePath(registry, 'blobs', 'sha256', hex(digest).slice(0, 2), hex(digest), 'data');
      const bytes = await readFile(data, 'utf8');
      await writeFile(data, bytes.replace('"schemaVersion":2', '"schemaVersion": 2'));

      const report = await probe();
      expect(report.broken.filter((b) => b.repository === 'team/rotten')).toEqual([
        {
          repository: 'team/rotten',
          tag: 'v1',
          kind: 'digest-mismatch',
          digest,
          detail: expect.stringMatching(/does not match its digest.*refusing it$/),
        },
      ]);
    });
  });
});
