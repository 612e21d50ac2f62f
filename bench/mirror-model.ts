/**
 * mirror-model throughput. A generated model (three weight shards plus small files, 4 GiB by default,
 * BENCH_MODEL_GIB to change) in a temp dir, pushed to a fresh local docker-registry per measurement:
 *  - ours (directory source, first run: hash + streamed upload), in a child process for its peak RSS;
 *  - the no-op re-run (every blob present: only HEADs and the manifest);
 *  - skopeo copy of an OCI layout holding the same blobs (hard links) and the same manifest;
 *  - curl -T of the same bytes (POST, then one monolithic PUT per file; same parallelism);
 *  - from the fake Hugging Face server: download-only, upload-only (known digests), and the full mirror.
 * Prints one JSON line. Everything generated is removed afterwards.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mapLimit, silentLogger } from '@sovereign-ci/action-kit';
import {
  buildLayout,
  directorySource,
  fileDigestCache,
  HubClient,
  huggingFaceSource,
  mirrorModel,
  type ModelSource,
} from '@sovereign-ci/model';
import { RegistryClient } from '@sovereign-ci/oci';
import { startHfFake } from '../test/harness/hf-fake';
import { startRegistry, type TestRegistry } from '../test/harness/registry';
import { tempDir } from '../test/harness/temp';
import { requireTool } from '../test/harness/tools';
import { writeModel } from '../test/integration/model/generated-model';

const exec = promisify(execFile);
const here = fileURLToPath(import.meta.url);
const GiB = 1024 ** 3;
const CONCURRENCY = 4;
/** BENCH_CHUNK_MIB sets the chunk size; by default the registry client's own upload defaults apply. */
const CHUNK = process.env.BENCH_CHUNK_MIB ? Number(process.env.BENCH_CHUNK_MIB) * 1024 * 1024 : undefined;

interface WorkerResult {
  ms: number;
  maxRssMB: number;
  uploadedBytes: number;
  bytes: number;
}

type Job =
  | { kind: 'mirror-dir'; dir: string; registry: string; repo: string; cacheFile: string }
  | { kind: 'mirror-hf'; endpoint: string; model: string; registry: string; repo: string }
  | { kind: 'download-only'; endpoint: string; model: string };

async function worker(job: Job): Promise<WorkerResult> {
  const started = performance.now();
  const client = new RegistryClient(CHUNK ? { chunkSize: CHUNK } : {});
  const hub = job.kind === 'mirror-dir' ? undefined : new HubClient({ endpoint: job.endpoint });
  let uploadedBytes = 0;
  let bytes = 0;
  try {
    if (job.kind === 'download-only') {
      const source = await huggingFaceSource({ repo: job.model, client: hub as HubClient });
      await mapLimit(source.files, CONCURRENCY, async (f) => {
        for await (const chunk of await f.open()) bytes += (chunk as Buffer).length;
      });
    } else {
      const cache = job.kind === 'mirror-dir' ? await fileDigestCache(job.cacheFile) : undefined;
      const source: ModelSource =
        job.kind === 'mirror-dir'
          ? await directorySource({ dir: job.dir })
          : await huggingFaceSource({ repo: job.model, client: hub as HubClient });
      const result = await mirrorModel(source, client.repository(job.registry, job.repo), {
        tag: 'v1',
        concurrency: CONCURRENCY,
        ...(CHUNK ? { chunkSize: CHUNK } : {}),
        logger: silentLogger,
        ...(cache ? { cache } : {}),
      });
      await cache?.save();
      uploadedBytes = result.uploadedBytes;
      bytes = result.bytes;
    }
  } finally {
    await hub?.close();
    await client.close();
  }
  return {
    ms: performance.now() - started,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    uploadedBytes,
    bytes,
  };
}

function inChild(job: Job): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', here, 'worker', JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker ${job.kind} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() as string) as WorkerResult);
    });
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Flushes dirty pages, so one measurement's write-back does not slow the next one down. */
function settle(): void {
  execFileSync('sync');
}

async function withRegistry<T>(fn: (reg: TestRegistry) => Promise<T>): Promise<T> {
  const reg = await startRegistry('plain');
  settle();
  try {
    return await fn(reg);
  } finally {
    await reg.stop();
    settle();
  }
}

/** An OCI layout whose blobs are hard links to the model files, with the manifest ours would push. */
async function writeLayout(
  dir: string,
  layoutDir: string,
  source: ModelSource,
  digests: Map<string, string>,
): Promise<void> {
  const layout = buildLayout(
    source.files.map((f) => ({ path: f.path, size: f.size, digest: digests.get(f.path) as string })),
    { format: 'modelpack', name: source.name, created: source.created ?? new Date().toISOString() },
  );
  const blobs = path.join(layoutDir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  for (const f of source.files) {
    const target = path.join(blobs, (digests.get(f.path) as string).slice(7));
    try {
      linkSync(path.join(dir, f.path), target);
    } catch {
      // same content twice
    }
  }
  writeFileSync(path.join(blobs, layout.config.descriptor.digest.slice(7)), layout.config.bytes);
  const manifestDigest = (await import('@sovereign-ci/oci')).digestOf(layout.manifestBytes);
  writeFileSync(path.join(blobs, manifestDigest.slice(7)), layout.manifestBytes);
  writeFileSync(path.join(layoutDir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    path.join(layoutDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: layout.manifestBytes.length,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
}

/** POST + one `curl -T` PUT per file, CONCURRENCY at once. */
async function curlUpload(
  reg: TestRegistry,
  dir: string,
  source: ModelSource,
  digests: Map<string, string>,
): Promise<void> {
  const curl = requireTool('curl');
  await mapLimit(source.files, CONCURRENCY, async (f) => {
    const res = await fetch(`${reg.url}/v2/bench/curl/blobs/uploads/`, { method: 'POST' });
    const location = new URL(res.headers.get('location') as string, reg.url);
    location.searchParams.set('digest', digests.get(f.path) as string);
    await exec(curl, [
      '-sSf',
      '-o',
      '/dev/null',
      '-T',
      path.join(dir, f.path),
      '-H',
      'Content-Type: application/octet-stream',
      location.toString(),
    ]);
  });
}

async function main(): Promise<void> {
  const gib = Number(process.env.BENCH_MODEL_GIB ?? 4);
  const tmp = await tempDir('bench-mirror-model');
  try {
    const dir = path.join(tmp.path, 'model');
    const shard = Math.floor((gib * GiB) / 3);
    await writeModel(dir, {
      'model-00001-of-00003.safetensors': shard,
      'model-00002-of-00003.safetensors': shard,
      'model-00003-of-00003.safetensors': shard - 12345,
    });
    const cacheFile = path.join(tmp.path, 'digests.json');
    settle();

    // ours, first run and no-op re-run
    const { ours, noop, digests } = await withRegistry(async (reg) => {
      const first = await inChild({
        kind: 'mirror-dir',
        dir,
        registry: reg.host,
        repo: 'bench/ours',
        cacheFile,
      });
      const again = await inChild({
        kind: 'mirror-dir',
        dir,
        registry: reg.host,
        repo: 'bench/ours',
        cacheFile,
      });
      const client = new RegistryClient();
      const fetched = await client.repository(reg.host, 'bench/ours').manifests.fetch('v1');
      await client.close();
      const layers = (
        fetched.manifest as { layers: { digest: string; annotations?: Record<string, string> }[] }
      ).layers;
      return {
        ours: first,
        noop: again,
        digests: new Map(
          layers.map((l) => [l.annotations?.['org.opencontainers.image.title'] as string, l.digest]),
        ),
      };
    });
    const source = await directorySource({ dir });

    // skopeo copy of an OCI layout with the same blobs
    const layoutDir = path.join(tmp.path, 'layout');
    await writeLayout(dir, layoutDir, source, digests);
    const skopeoRun = await withRegistry((reg) =>
      timed(() =>
        exec(
          requireTool('skopeo'),
          [
            '--insecure-policy',
            'copy',
            '--dest-tls-verify=false',
            `oci:${layoutDir}:v1`,
            `docker://${reg.host}/bench/skopeo:v1`,
          ],
          {
            maxBuffer: 16 * 1024 * 1024,
          },
        ),
      ),
    );
    await rm(layoutDir, { recursive: true, force: true });

    // raw curl -T of the same bytes
    const curlRun = await withRegistry((reg) => timed(() => curlUpload(reg, dir, source, digests)));

    // from the fake Hugging Face server
    const hf = await startHfFake({ repo: 'bench/model', dir, lfsThreshold: 1024 * 1024 });
    let hfRuns: { download: WorkerResult; upload: WorkerResult; mirror: WorkerResult };
    try {
      const download = await inChild({ kind: 'download-only', endpoint: hf.url, model: 'bench/model' });
      const upload = await withRegistry((reg) =>
        inChild({ kind: 'mirror-dir', dir, registry: reg.host, repo: 'bench/upload', cacheFile }),
      );
      const mirror = await withRegistry((reg) =>
        inChild({
          kind: 'mirror-hf',
          endpoint: hf.url,
          model: 'bench/model',
          registry: reg.host,
          repo: 'bench/hf',
        }),
      );
      hfRuns = { download, upload, mirror };
    } finally {
      await hf.stop();
    }

    const bytes = ours.bytes;
    const rate = (ms: number) => Math.round((bytes / (ms / 1000) / 1024 ** 2) * 10) / 10;
    const larger = Math.max(hfRuns.download.ms, hfRuns.upload.ms);
    const round = (n: number) => Math.round(n);
    console.log(
      JSON.stringify({
        bench: 'mirror-model',
        bytes,
        files: source.files.length,
        ours_ms: round(ours.ms),
        ours_mib_s: rate(ours.ms),
        ours_peak_rss_mb: round(ours.maxRssMB),
        skopeo_ms: round(skopeoRun.ms),
        curl_ms: round(curlRun.ms),
        vs_skopeo: Math.round((skopeoRun.ms / ours.ms) * 100) / 100,
        vs_curl: Math.round((curlRun.ms / ours.ms) * 100) / 100,
        noop_rerun_ms: round(noop.ms),
        noop_uploaded_bytes: noop.uploadedBytes,
        hf_download_only_ms: round(hfRuns.download.ms),
        hf_upload_only_ms: round(hfRuns.upload.ms),
        hf_mirror_ms: round(hfRuns.mirror.ms),
        hf_mirror_peak_rss_mb: round(hfRuns.mirror.maxRssMB),
        hf_vs_larger: Math.round((hfRuns.mirror.ms / larger) * 100) / 100,
        targets: {
          vs_skopeo: '>= 1.3',
          vs_curl: '>= 0.85',
          peak_rss_mb: '< 200',
          noop_rerun_ms: '< 1000',
          hf_vs_larger: '<= 1.2',
        },
      }),
    );
  } finally {
    await tmp.cleanup();
  }
}

if (process.argv[2] === 'worker') {
  const result = await worker(JSON.parse(process.argv[3] as string) as Job);
  console.log(JSON.stringify(result));
} else {
  await main();
}
