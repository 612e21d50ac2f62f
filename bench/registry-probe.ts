/**
 * Probing a registry of 200 repositories × 10 tags on a local registry (target: under 10 s). The
 * reference measured in the same run is the same catalog, tag lists and manifest GETs done bare with
 * undici at the same concurrency, without digest checks, child HEADs or blob HEADs. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { mapLimit, silentLogger } from '@sovereign-ci/action-kit';
import { encodeManifest, MediaType, RegistryClient } from '@sovereign-ci/oci';
import { probeRegistry } from '@sovereign-ci/registry-health';
import { startRegistry } from '../test/harness/registry';
import { pushSampleImage } from '../test/harness/sample-images';

const REPOSITORIES = Number(process.env.BENCH_PROBE_REPOSITORIES ?? 200);
const TAGS = 10;
const CONCURRENCY = 8;
const TARGET_MS = 10_000;

async function main(): Promise<void> {
  const registry = await startRegistry('plain');
  try {
    const client = new RegistryClient();
    await mapLimit(
      Array.from({ length: REPOSITORIES }, (_, i) => `bench/repo-${String(i).padStart(3, '0')}`),
      4,
      async (name) => {
        const repository = client.repository(registry.host, name);
        const image = await pushSampleImage(repository, 'base');
        for (let tag = 1; tag < TAGS; tag++) {
          const manifest = {
            schemaVersion: 2 as const,
            mediaType: MediaType.ociManifest,
            config: image.config,
            layers: image.layers,
            annotations: { tag: String(tag) },
          };
          await repository.manifests.push(MediaType.ociManifest, encodeManifest(manifest), `t${tag}`);
        }
      },
    );

    const started = performance.now();
    const report = await probeRegistry(new RegistryClient(), {
      registry: registry.host,
      blobs: false,
      concurrency: CONCURRENCY,
      logger: silentLogger,
    });
    const probeMs = performance.now() - started;

    const withBlobsStarted = performance.now();
    const withBlobs = await probeRegistry(new RegistryClient(), {
      registry: registry.host,
      blobs: true,
      concurrency: CONCURRENCY,
      logger: silentLogger,
    });
    const withBlobsMs = performance.now() - withBlobsStarted;

    const referenceStarted = performance.now();
    const catalog = await client.catalog(registry.host);
    const pairs = (
      await mapLimit(catalog, CONCURRENCY, async (name) =>
        (await client.repository(registry.host, name).listTags()).map((tag) => ({ name, tag })),
      )
    ).flat();
    await mapLimit(pairs, CONCURRENCY, async ({ name, tag }) => {
      const res = await request(`${registry.url}/v2/${name}/manifests/${tag}`, {
        headers: { accept: MediaType.ociManifest },
      });
      await res.body.arrayBuffer();
    });
    const referenceMs = performance.now() - referenceStarted;

    console.log(
      JSON.stringify({
        bench: 'registry-probe',
        repositories: report.checked.repositories,
        tags: report.checked.tags,
        broken: report.broken.length + withBlobs.broken.length,
        probe_ms: Math.round(probeMs),
        probe_with_blobs_ms: Math.round(withBlobsMs),
        reference_bare_gets_ms: Math.round(referenceMs),
        ratio_vs_reference: Math.round((probeMs / referenceMs) * 100) / 100,
        target_ms: TARGET_MS,
        // the target is for the default probe (blobs: false); blobs: true is reported beside it
        meets_target: probeMs < TARGET_MS,
        with_blobs_within_target: withBlobsMs < TARGET_MS,
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    await registry.stop();
  }
}

await main();
