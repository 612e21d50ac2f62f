/**
 * Pushing a 1 GiB blob to a local registry three ways in one run: our client (streamed from the
 * file; by its default policy — resumable chunks above DEFAULT_MONOLITHIC_THRESHOLD — and forced
 * into one PUT), `curl -T` (one monolithic PUT: the practical ceiling) and `skopeo copy` from an OCI layout
 * holding the same blob. Our push runs in a fresh plain-node process (bundled, as a runner runs an
 * action) so its time and peak RSS are its own.
 * Everything is generated in a temp dir and removed afterwards. Prints one JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { peakRssMb } from './support/peak-rss';
import { bundleForPlainNode } from './support/plain-node';
import { createHash, randomFillSync } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MONOLITHIC_THRESHOLD,
  digestOf,
  MediaType,
  RegistryClient,
  type Descriptor,
} from '@sovereign-ci/oci';
import { startRegistry } from '../test/harness/registry';
import { requireTool } from '../test/harness/tools';

const SIZE = Number(process.env.BENCH_BLOB_MIB ?? 1024) * 1024 * 1024;
const here = fileURLToPath(import.meta.url);

/** Random bytes wrapped in a stored (level 0) gzip stream, so skopeo sees a compressed layer and keeps it as is. */
async function writeBlob(file: string): Promise<Descriptor> {
  const out = createWriteStream(file);
  const gzip = createGzip({ level: 0 });
  const hash = createHash('sha256');
  let size = 0;
  gzip.on('data', (c: Buffer) => {
    hash.update(c);
    size += c.length;
  });
  gzip.pipe(out);
  const buf = Buffer.alloc(1 << 20);
  for (let done = 0; done < SIZE - 64 * 1024; done += buf.length) {
    randomFillSync(buf);
    if (!gzip.write(Buffer.from(buf))) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await new Promise<void>((r) => out.once('close', () => r()));
  return { mediaType: MediaType.ociLayerTarGzip, digest: `sha256:${hash.digest('hex')}`, size };
}

function writeLayout(dir: string, blobFile: string, layer: Descriptor): void {
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  renameSync(blobFile, path.join(blobs, layer.digest.slice(7)));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const configDesc = { mediaType: MediaType.ociConfig, digest: digestOf(config), size: config.length };
  writeFileSync(path.join(blobs, configDesc.digest.slice(7)), config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: configDesc,
      layers: [layer],
    }),
  );
  const manifestDigest = digestOf(manifest);
  writeFileSync(path.join(blobs, manifestDigest.slice(7)), manifest);
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaType.ociManifest,
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'bench' },
        },
      ],
    }),
  );
}

/** The child: our client pushes the file, then reports its time and peak RSS. */
async function child(
  host: string,
  file: string,
  layer: Descriptor,
  mode: string,
  run: string,
): Promise<void> {
  const baselineMb = peakRssMb();
  // 'default': the client's own policy (resumable chunks above DEFAULT_MONOLITHIC_THRESHOLD);
  // 'monolithic': one streamed PUT whatever the size; 'chunk:<MiB>': resumable PATCHes of that size.
  const chunkMib = /^chunk:(\d+)$/.exec(mode)?.[1];
  const client = new RegistryClient(
    mode === 'monolithic'
      ? { monolithicThreshold: Number.MAX_SAFE_INTEGER }
      : chunkMib
        ? { monolithicThreshold: 0, chunkSize: Number(chunkMib) * 1024 * 1024 }
        : {},
  );
  const started = process.hrtime.bigint();
  await client
    .repository(host, `bench/ours-${mode.replace(':', '-')}-${run}`)
    .blobs.push(layer, () => createReadStream(file, { highWaterMark: 256 * 1024 }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.close();
  process.stdout.write(JSON.stringify({ seconds, maxRssMb: peakRssMb(), baselineMb }));
}

async function curlPut(host: string, file: string, layer: Descriptor): Promise<number> {
  const curl = requireTool('curl');
  const head = execFileSync(
    curl,
    ['-sS', '-i', '-X', 'POST', `http://${host}/v2/bench/curl/blobs/uploads/`],
    { encoding: 'utf8' },
  );
  const location = /^location:\s*(\S+)/im.exec(head)?.[1];
  if (!location) throw new Error(`no upload location from the registry:\n${head}`);
  const url = new URL(location, `http://${host}`);
  url.searchParams.set('digest', layer.digest);
  const started = process.hrtime.bigint();
  const status = execFileSync(
    curl,
    [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-T',
      file,
      '-H',
      'Content-Type: application/octet-stream',
      url.toString(),
    ],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== '201') throw new Error(`curl PUT answered ${status}`);
  return seconds;
}

function skopeoCopy(host: string, layoutDir: string, home: string): number {
  const started = process.hrtime.bigint();
  execFileSync(
    requireTool('skopeo'),
    [
      '--insecure-policy',
      'copy',
      '--dest-tls-verify=false',
      `oci:${layoutDir}:bench`,
      `docker://${host}/bench/skopeo:bench`,
    ],
    { env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data') }, stdio: 'pipe' },
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(
      process.argv[3]!,
      process.argv[4]!,
      JSON.parse(process.argv[5]!) as Descriptor,
      process.argv[6]!,
      process.argv[7]!,
    );
    return;
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-blob-push-'));
  const registry = await startRegistry('plain');
  try {
    const layoutDir = path.join(tmp, 'layout');
    const raw = path.join(tmp, 'blob');
    const layer = await writeBlob(raw);
    writeLayout(layoutDir, raw, layer);
    const file = path.join(layoutDir, 'blobs', 'sha256', layer.digest.slice(7));
    const mbps = (s: number) => Math.round((layer.size / 1e6 / s) * 10) / 10;
    const round = (n: number) => Math.round(n * 100) / 100;

    let runs = 0;
    const measured = await bundleForPlainNode({ file: here }, tmp);
    const ourPush = (mode: string) => {
      const run = spawnSync(
        process.execPath,
        [measured, '--child', registry.host, file, JSON.stringify(layer), mode, String(runs++)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (run.status !== 0) throw new Error(`our ${mode} push failed:\n${run.stderr}`);
      return JSON.parse(run.stdout) as { seconds: number; maxRssMb: number; baselineMb: number };
    };
    // The machine is shared: ours (by its default policy) and curl run twice, interleaved; each
    // side keeps its better run. Before each run dirty pages are written back (sync), so no run
    // pays for the write-back of the one before it.
    const settled = <T>(push: () => T): T => (execFileSync('sync'), push());
    const firstCurl = await settled(() => curlPut(registry.host, file, layer));
    const firstOurs = settled(() => ourPush('default'));
    const monolithic = settled(() => ourPush('monolithic'));
    const secondOurs = settled(() => ourPush('default'));
    const curlSeconds = Math.min(firstCurl, await settled(() => curlPut(registry.host, file, layer)));
    const ours = firstOurs.seconds <= secondOurs.seconds ? firstOurs : secondOurs;
    const extra = Object.fromEntries(
      (process.env.BENCH_PUSH_MODES ?? '')
        .split(',')
        .filter(Boolean)
        .map((mode) => [mode, mbps(settled(() => ourPush(mode)).seconds)]),
    );
    const skopeoSeconds = skopeoCopy(registry.host, layoutDir, tmp);

    console.log(
      JSON.stringify({
        bench: 'blob-push',
        bytes: layer.size,
        policy: { monolithic_up_to: DEFAULT_MONOLITHIC_THRESHOLD, chunk_size: DEFAULT_CHUNK_SIZE },
        ours_mb_s: mbps(ours.seconds),
        ours_runs_mb_s: [mbps(firstOurs.seconds), mbps(secondOurs.seconds)],
        ours_monolithic_mb_s: mbps(monolithic.seconds),
        curl_put_mb_s: mbps(curlSeconds),
        skopeo_copy_mb_s: mbps(skopeoSeconds),
        ratio_vs_curl: round(curlSeconds / ours.seconds),
        ratio_vs_skopeo: round(skopeoSeconds / ours.seconds),
        monolithic_ratio_vs_curl: round(curlSeconds / monolithic.seconds),
        ours_peak_rss_mb: Math.round(Math.max(firstOurs.maxRssMb, secondOurs.maxRssMb)),
        ours_rss_before_push_mb: Math.round(ours.baselineMb),
        ...(Object.keys(extra).length ? { other_modes_mb_s: extra } : {}),
        targets: { ratio_vs_curl: 0.9, ratio_vs_skopeo: 1.3, peak_rss_mb: 150 },
        load_average: os.loadavg().map((n) => Math.round(n * 10) / 10),
      }),
    );
  } finally {
    await registry.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
