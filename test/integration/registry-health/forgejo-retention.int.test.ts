import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { ForgejoClient, ForgejoPackages } from '@sovereign-ci/forge';
import { RegistryClient, staticCredentials, type Repository } from '@sovereign-ci/oci';
import { applyRetention, forgejoRetentionProvider } from '@sovereign-ci/registry-health';
import { startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleImage, pushSampleIndex } from '../../harness/sample-images';

const day = (n: number) => new Date(Date.UTC(2026, 0, n));
const orphan = `sha256:${'e'.repeat(64)}`;

/**
 * Forgejo itself cannot run here: its packages API is a fake that validates every request and answer
 * against Forgejo's swagger; the registry holding the manifests is a real docker-registry.
 */
describe('forgejoRetentionProvider', () => {
  let forgejo: FakeForgejo;
  let registry: TestRegistry;
  let repository: Repository;
  let children: string[] = [];
  let indexDigest = '';
  let v1Digest = '';

  beforeAll(async () => {
    forgejo = await startFakeForgejo();
    registry = await startRegistry('basic');
    const client = new RegistryClient({
      credentials: staticCredentials(registry.host, {
        username: registry.username,
        password: registry.password,
      }),
    });
    repository = client.repository(registry.host, 'infra/app');
    for (const [tag, n] of [
      ['v1', 1],
      ['v2', 2],
      ['v3', 3],
      ['v4', 4],
    ] as const) {
      const image = await pushSampleImage(repository, tag);
      if (tag === 'v1') v1Digest = image.manifest.digest;
      forgejo.addPackage('infra', 'app', tag, day(n), 'container');
    }
    const bytes = (await repository.manifests.fetch('v1')).bytes;
    await repository.manifests.push('application/vnd.oci.image.manifest.v1+json', bytes, 'latest');
    forgejo.addPackage('infra', 'app', 'latest', day(1), 'container');
    const multi = await pushSampleIndex(repository, 'v5');
    indexDigest = multi.index.digest;
    children = multi.children.map((c) => c.manifest.digest);
    forgejo.addPackage('infra', 'app', 'v5', day(5), 'container');
    for (const child of children) forgejo.addPackage('infra', 'app', child, day(5), 'container');
    forgejo.addPackage('infra', 'app', orphan, day(1), 'container');
    forgejo.addPackage('infra', 'app', `sha256-${indexDigest.slice(7)}.sig`, day(6), 'container');
    forgejo.addPackage('infra', 'app', `sha256-${'f'.repeat(64)}.sig`, day(2), 'container');
  });
  afterAll(async () => {
    await forgejo?.stop();
    await registry?.stop();
  });

  const run = (dryRun: boolean) =>
    applyRetention(
      forgejoRetentionProvider(
        new ForgejoPackages(new ForgejoClient({ apiUrl: forgejo.apiUrl, token: forgejo.token, pageSize: 3 })),
        'infra',
        () => repository,
      ),
      { keep: 2, protect: [], deleteUntagged: true },
      { dryRun, concurrency: 4, logger: silentLogger },
    );

  const expectedDeleted = [
    'v3 beyond-keep',
    'v2 beyond-keep',
    'v1 beyond-keep',
    `${orphan} unreferenced`,
    `sha256-${'f'.repeat(64)}.sig orphaned-signature`,
  ];

  it('in dry-run lists what it would delete, protecting latest, index children and live signatures', async () => {
    const result = await run(true);
    expect(result.deleted.map((d) => `${d.version} ${d.reason}`)).toEqual(expectedDeleted);
    expect(result.kept.map((d) => `${d.version} ${d.reason}`).sort()).toEqual(
      [
        'v5 newest',
        'v4 newest',
        'latest protected',
        ...children.map((c) => `${c} referenced`),
        `sha256-${indexDigest.slice(7)}.sig signature`,
      ].sort(),
    );
    expect(forgejo.packages()).toHaveLength(11);
    expect(v1Digest).not.toBe(indexDigest);
  });

  it('deletes exactly those versions through the packages API', async () => {
    const result = await run(false);
    expect({ deleted: result.deleted.length, failed: result.failed }).toEqual({ deleted: 5, failed: [] });
    expect(
      forgejo
        .packages()
        .map((p) => p.version)
        .sort(),
    ).toEqual(['latest', 'v4', 'v5', ...children, `sha256-${indexDigest.slice(7)}.sig`].sort());
    expect(forgejo.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([
      204, 204, 204, 204, 204,
    ]);
    forgejo.assertClean();
  });
});
