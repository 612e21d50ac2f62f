import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { RegistryClient, type Repository } from '@sovereign-ci/oci';
import { applyRetention, ociRetentionProvider } from '@sovereign-ci/registry-health';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleImage, pushSampleIndex } from '../../harness/sample-images';
import { skopeo, skopeoFlags } from '../../harness/skopeo';

const created = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString();

describe('ociRetentionProvider', () => {
  let registry: TestRegistry;
  let repository: Repository;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    registry = await startRegistry('plain', { deleteEnabled: true });
    repository = new RegistryClient().repository(registry.host, 'team/app');
    for (const [tag, day] of [
      ['v1', 1],
      ['v2', 2],
      ['v3', 3],
      ['v4', 4],
    ] as const) {
      digests[tag] = (await pushSampleImage(repository, tag, { created: created(day) })).manifest.digest;
    }
    // latest is the oldest image and must survive anyway; v5 is an index whose children must stay.
    await repository.manifests.push(
      'application/vnd.oci.image.manifest.v1+json',
      (await repository.manifests.fetch('v1')).bytes,
      'latest',
    );
    digests.v5 = (await pushSampleIndex(repository, 'v5', undefined, { created: created(5) })).index.digest;
  });
  afterAll(() => registry?.stop());

  const run = (dryRun: boolean) =>
    applyRetention(
      ociRetentionProvider([repository], { concurrency: 4, logger: silentLogger }),
      { keep: 2, protect: [], deleteUntagged: false },
      { dryRun, concurrency: 4, logger: silentLogger },
    );

  describe('in dry-run', () => {
    it('lists what it would delete and deletes nothing', async () => {
      const result = await run(true);
      expect(result.deleted.map((d) => `${d.version} ${d.reason}`)).toEqual([
        'v3 beyond-keep',
        'v2 beyond-keep',
      ]);
      expect(result.kept.map((d) => `${d.version} ${d.reason}`).sort()).toEqual([
        'latest protected',
        'v1 shares-digest',
        'v4 newest',
        'v5 newest',
      ]);
      expect((await repository.listTags()).sort()).toEqual(['latest', 'v1', 'v2', 'v3', 'v4', 'v5']);
    });
  });

  describe('for real', () => {
    it('deletes v3 and v2 by manifest, keeps v1 (latest shares its digest) and the index children', async () => {
      const result = await run(false);
      expect({ deleted: result.deleted.map((d) => d.version), failed: result.failed }).toEqual({
        deleted: ['v3', 'v2'],
        failed: [],
      });
      const { stdout } = await skopeo([
        'list-tags',
        ...skopeoFlags(registry, 'plain'),
        `docker://${registry.host}/team/app`,
      ]);
      expect((JSON.parse(stdout) as { Tags: string[] }).Tags.sort()).toEqual(['latest', 'v1', 'v4', 'v5']);
      await expect(repository.manifests.exists(digests.v2 as string)).resolves.toBeUndefined();
      await expect(repository.manifests.exists(digests.v3 as string)).resolves.toBeUndefined();
      const index = await repository.manifests.fetch('v5');
      const children = 'manifests' in index.manifest ? index.manifest.manifests : [];
      for (const child of children)
        await expect(repository.manifests.exists(child.digest)).resolves.toBeDefined();
    });
  });
});
