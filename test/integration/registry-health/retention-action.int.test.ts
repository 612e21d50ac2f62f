import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, staticCredentials, type Repository } from '@sovereign-ci/oci';
import { run } from '../../../actions/registry-retention/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleImage } from '../../harness/sample-images';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { inputsEnv, runRecorded } from '../../harness/recorded-run';

const day = (n: number) => new Date(Date.UTC(2026, 0, n));

/** Pushes tags v1..vN created on days 1..N, plus `latest` pointing at v1's manifest. */
async function pushTags(repository: Repository, count: number): Promise<void> {
  for (let n = 1; n <= count; n++)
    await pushSampleImage(repository, `v${n}`, { created: day(n).toISOString() });
  const { bytes, descriptor } = await repository.manifests.fetch('v1');
  await repository.manifests.push(descriptor.mediaType, bytes, 'latest');
}

/** The tags as skopeo lists them (independent of the client under test). */
async function tagsAt(registry: TestRegistry, name: string): Promise<string[]> {
  const flags = skopeoFlags(registry, 'plain');
  const { stdout } = await skopeo(['list-tags', ...flags, `docker://${registry.host}/${name}`]);
  return (JSON.parse(stdout) as { Tags: string[] }).Tags.sort();
}

/** `package:version reason` of each entry of a deleted/kept output. */
const entries = (json: string | undefined): string[] =>
  (JSON.parse(json ?? 'null') as { package: string; version: string; reason: string }[])
    .map((d) => `${d.package}:${d.version} ${d.reason}`)
    .sort();

describe('registry-retention run', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await tempDir('retention-action');
  });
  afterAll(() => dir?.cleanup());

  describe('with provider oci', () => {
    let deletable: TestRegistry;
    let readOnly: TestRegistry;
    beforeAll(async () => {
      deletable = await startRegistry('plain', { deleteEnabled: true });
      readOnly = await startRegistry('plain');
      await pushTags(new RegistryClient().repository(deletable.host, 'team/app'), 5);
      await pushTags(new RegistryClient().repository(readOnly.host, 'team/app'), 4);
    });
    afterAll(async () => {
      await deletable?.stop();
      await readOnly?.stop();
    });

    const env = (registry: TestRegistry, inputs: Record<string, string>) => ({
      ...inputsEnv({ provider: 'oci', registry: registry.host, ...inputs }),
      RUNNER_TEMP: dir.path,
      DOCKER_CONFIG: dir.path,
    });
    const kept = [
      'team/app:latest protected',
      'team/app:v1 shares-digest',
      'team/app:v4 newest',
      'team/app:v5 newest',
    ];

    it('by default is a dry run: lists what it would delete and deletes nothing', async () => {
      const result = await runRecorded(run, env(deletable, { keep: '2' }));
      expect({
        failed: result.failed,
        deleted: entries(result.outputs.deleted),
        kept: entries(result.outputs.kept),
        failedOutput: result.outputs.failed,
        tags: await tagsAt(deletable, 'team/app'),
      }).toEqual({
        failed: [],
        deleted: ['team/app:v2 beyond-keep', 'team/app:v3 beyond-keep'],
        kept,
        failedOutput: '[]',
        tags: ['latest', 'v1', 'v2', 'v3', 'v4', 'v5'],
      });
    });

    it('with dry-run false deletes those manifests and keeps the tag sharing latest', async () => {
      const result = await runRecorded(run, env(deletable, { keep: '2', 'dry-run': 'false' }));
      expect({
        failed: result.failed,
        deleted: entries(result.outputs.deleted),
        kept: entries(result.outputs.kept),
        tags: await tagsAt(deletable, 'team/app'),
      }).toEqual({
        failed: [],
        deleted: ['team/app:v2 beyond-keep', 'team/app:v3 beyond-keep'],
        kept,
        tags: ['latest', 'v1', 'v4', 'v5'],
      });
    });

    it('when the registry refuses deletes, tries each, reports every failure and fails the step', async () => {
      const result = await runRecorded(run, env(readOnly, { keep: '1', 'dry-run': 'false' }));
      const failed = JSON.parse(result.outputs.failed ?? 'null') as { package: string; version: string }[];
      expect({
        failedVersions: failed.map((f) => `${f.package}:${f.version}`).sort(),
        deleted: entries(result.outputs.deleted),
        stepFailure: result.failed.map((f) => f.split('\n')[0]),
        tags: await tagsAt(readOnly, 'team/app'),
      }).toEqual({
        failedVersions: ['team/app:v2', 'team/app:v3'],
        deleted: [],
        stepFailure: ['2 deletes failed:'],
        tags: ['latest', 'v1', 'v2', 'v3', 'v4'],
      });
    });
  });

  describe('with provider forgejo', () => {
    let registry: TestRegistry;
    let forgejo: FakeForgejo;
    let docker: TestDockerConfig;
    beforeAll(async () => {
      registry = await startRegistry('basic');
      forgejo = await startFakeForgejo();
      docker = await writeTestDockerConfig([registry]);
      const credentials = staticCredentials(registry.host, {
        username: registry.username,
        password: registry.password,
      });
      await pushTags(new RegistryClient({ credentials }).repository(registry.host, 'infra/app'), 3);
      for (const version of ['v1', 'v2', 'v3'])
        forgejo.addPackage('infra', 'app', version, day(Number(version[1])));
      forgejo.addPackage('infra', 'app', 'latest', day(1));
    });
    afterAll(async () => {
      await forgejo?.stop();
      await registry?.stop();
      await docker?.cleanup();
    });

    it("by default lists through Forgejo's packages API and deletes nothing", async () => {
      const result = await runRecorded(run, {
        ...inputsEnv({ registry: registry.host, owner: 'infra', 'forgejo-url': forgejo.url, keep: '1' }),
        FORGEJO_TOKEN: forgejo.token,
        RUNNER_TEMP: dir.path,
        DOCKER_CONFIG: docker.dir,
      });
      expect({
        failed: result.failed,
        deleted: entries(result.outputs.deleted),
        kept: entries(result.outputs.kept),
        requests: forgejo.requests.map((r) => `${r.method} ${r.operationId} ${r.status}`),
        packages: forgejo.packages().length,
      }).toEqual({
        failed: [],
        deleted: ['app:v1 beyond-keep', 'app:v2 beyond-keep'],
        kept: ['app:latest protected', 'app:v3 newest'],
        requests: ['GET listPackages 200'],
        packages: 4,
      });
      expect(result.log.filter((line) => line.includes(forgejo.token))).toEqual([]);
      forgejo.assertClean();
    });
  });
});
