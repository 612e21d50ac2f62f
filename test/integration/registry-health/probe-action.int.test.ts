import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, staticCredentials } from '@sovereign-ci/oci';
import { run } from '../../../actions/registry-probe/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleImage, pushSampleIndex, type SampleImage } from '../../harness/sample-images';
import { tempDir, type TempDir } from '../../harness/temp';
import { inputsEnv, runRecorded } from '../../harness/recorded-run';
import { parsePrometheusText } from './prometheus-text';

const GAUGES = ['ok', 'broken', 'repositories', 'tags', 'manifests', 'blobs', 'last_run_timestamp_seconds'];

/** The gauges' values by short name, after checking each has HELP, TYPE gauge and only the instance label. */
function gaugeValues(text: string, instance: string): Record<string, number> {
  const parsed = parsePrometheusText(text);
  expect(Object.keys(parsed).sort()).toEqual(GAUGES.map((g) => `registry_manifest_integrity_${g}`).sort());
  const values: Record<string, number> = {};
  for (const [name, gauge] of Object.entries(parsed)) {
    expect({ type: gauge.type, labels: gauge.labels, help: gauge.help.length > 0 }).toEqual({
      type: 'gauge',
      labels: { instance },
      help: true,
    });
    values[name.replace('registry_manifest_integrity_', '')] = gauge.value;
  }
  return values;
}

describe('registry-probe run', () => {
  let registry: TestRegistry;
  let forgejo: FakeForgejo;
  let docker: TestDockerConfig;
  let dir: TempDir;
  let app: SampleImage;
  const start = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    registry = await startRegistry('basic');
    forgejo = await startFakeForgejo();
    docker = await writeTestDockerConfig([registry]);
    dir = await tempDir('probe-action');
    const client = new RegistryClient({
      credentials: staticCredentials(registry.host, {
        username: registry.username,
        password: registry.password,
      }),
    });
    app = await pushSampleImage(client.repository(registry.host, 'infra/app'), 'v1');
    await pushSampleImage(client.repository(registry.host, 'infra/app'), 'v2');
    await pushSampleIndex(client.repository(registry.host, 'infra/multi'), 'latest');
    // In the registry's catalog but not one of infra's packages: only the catalog walk sees it.
    await pushSampleImage(client.repository(registry.host, 'other/tool'), 'v1');
    const day = new Date(Date.UTC(2026, 0, 1));
    for (const [name, version] of [
      ['app', 'v1'],
      ['app', 'v2'],
      ['multi', 'latest'],
    ] as const)
      forgejo.addPackage('infra', name, version, day, 'container');
    forgejo.addPackage('infra', 'notes', '1.0.0', day, 'generic');
  });
  afterAll(async () => {
    await forgejo?.stop();
    await registry?.stop();
    await docker?.cleanup();
    await dir?.cleanup();
  });

  const env = (inputs: Record<string, string>) => ({
    ...inputsEnv({ registry: registry.host, ...inputs }),
    DOCKER_CONFIG: docker.dir,
    RUNNER_TEMP: dir.path,
  });

  describe('when forgejo-owner is set', () => {
    it("walks the owner's container packages from Forgejo's API and writes healthy gauges", async () => {
      const file = path.join(dir.path, 'forgejo.prom');
      const result = await runRecorded(
        run,
        env({
          'forgejo-owner': 'infra',
          'forgejo-url': forgejo.url,
          token: forgejo.token,
          blobs: 'true',
          'prometheus-file': file,
          instance: 'forgejo-registry',
        }),
      );
      expect({
        failed: result.failed,
        broken: result.outputs.broken,
        checked: JSON.parse(result.outputs.checked ?? 'null'),
      }).toEqual({
        failed: [],
        broken: '[]',
        // app: 2 manifests, 2 configs, 2 layers; multi: index + 2 children, 2 configs, 2 layers; not other/tool
        checked: { repositories: 2, tags: 3, manifests: 5, blobs: 8 },
      });
      const { last_run_timestamp_seconds: when, ...rest } = gaugeValues(
        await readFile(file, 'utf8'),
        'forgejo-registry',
      );
      expect(rest).toEqual({ ok: 1, broken: 0, repositories: 2, tags: 3, manifests: 5, blobs: 8 });
      expect(when).toBeGreaterThanOrEqual(start);
      expect(forgejo.requests.map((r) => `${r.operationId} ${r.status}`)).toEqual(['listPackages 200']);
      expect(forgejo.requests[0]?.path).toContain('type=container');
      expect(result.secrets).toContain(forgejo.token);
      expect(result.log.filter((line) => line.includes(forgejo.token))).toEqual([]);
      forgejo.assertClean();
    });
  });

  describe('when the Forgejo owner has no container packages', () => {
    it('walks nothing rather than falling back to the catalog', async () => {
      const result = await runRecorded(
        run,
        env({ 'forgejo-owner': 'nobody', 'forgejo-url': forgejo.url, token: forgejo.token }),
      );
      expect({ failed: result.failed, checked: JSON.parse(result.outputs.checked ?? 'null') }).toEqual({
        failed: [],
        checked: { repositories: 0, tags: 0, manifests: 0, blobs: 0 },
      });
    });
  });

  describe('when a blob is gone and the catalog is walked', () => {
    it('sets broken, writes failing gauges and fails the step naming the blob', async () => {
      const layer = app.layers[0]!.digest.slice('sha256:'.length);
      await rm(
        path.join(registry.dataDir, 'docker', 'registry', 'v2', 'blobs', 'sha256', layer.slice(0, 2), layer),
        { recursive: true },
      );
      const file = path.join(dir.path, 'catalog.prom');
      const result = await runRecorded(run, env({ blobs: 'true', 'prometheus-file': file }));
      const broken = [
        {
          repository: 'infra/app',
          tag: 'v1',
          digest: app.layers[0]!.digest,
          kind: 'missing-blob',
          detail: app.layers[0]!.mediaType,
        },
      ];
      expect({
        broken: JSON.parse(result.outputs.broken ?? 'null'),
        brokenFile: JSON.parse(await readFile(result.outputs['broken-file'] ?? '', 'utf8')),
        checked: JSON.parse(result.outputs.checked ?? 'null'),
        failed: result.failed.map((f) => f.split('\n')[0]),
      }).toEqual({
        broken,
        brokenFile: broken,
        checked: { repositories: 3, tags: 4, manifests: 6, blobs: 10 },
        failed: [`1 broken references in ${registry.host}:`],
      });
      expect(result.failed[0]).toContain(app.layers[0]!.digest);
      const { last_run_timestamp_seconds: _when, ...rest } = gaugeValues(
        await readFile(file, 'utf8'),
        registry.host,
      );
      expect(rest).toEqual({ ok: 0, broken: 1, repositories: 3, tags: 4, manifests: 6, blobs: 10 });
    });

    it('with fail-on-broken false reports the same and does not fail', async () => {
      const result = await runRecorded(run, env({ blobs: 'true', 'fail-on-broken': 'false' }));
      expect({
        failed: result.failed,
        kinds: (JSON.parse(result.outputs.broken ?? '[]') as { kind: string }[]).map((b) => b.kind),
      }).toEqual({ failed: [], kinds: ['missing-blob'] });
    });
  });
});
