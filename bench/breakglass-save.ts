/**
 * Benchmark: saving a 1 GiB image from a local registry as a break-glass archive, ours (the action's code,
 * bundled and run by plain node, verify on as by default) against `skopeo copy docker://… docker-archive:…`
 * of the same image in the same run; peak RSS of ours; two destinations against one (also without
 * verify). Wall and CPU seconds, best of BENCH_RUNS. Prints one JSON line.
 *
 *   npm run bench -- breakglass-save
 *   BENCH_IMAGE_MIB=1024 BENCH_RUNS=2 BENCH_OUT_DIR=/dev/shm BENCH_NODE_FLAGS='' (the defaults)
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { bundleForPlainNode } from './support/plain-node';
import { encodeHeader, padding } from '@sovereign-ci/archive';
import { startRegistry } from '../test/harness/registry';
import { tempDir } from '../test/harness/temp';
import { requireTool } from '../test/harness/tools';

const exec = promisify(execFile);
const MiB = 1024 * 1024;

/**
 * The measured process: one save, then its own figures (peak RSS is this process's). It is bundled with
 * esbuild into one file and run by plain node, as a runner runs the action's bundle (no TypeScript loader
 * in the figures).
 */
const WORKER = `
import { silentLogger } from '@sovereign-ci/action-kit';
import { saveArchive } from '@sovereign-ci/archive';
import { RegistryClient } from '@sovereign-ci/oci';
const [registry, repository, tag, verify, ...destinations] = process.argv.slice(2);
const started = performance.now();
const result = await saveArchive({
  source: new RegistryClient({}).repository(registry, repository),
  image: { registry, repository, tag },
  platform: 'linux/amd64',
  destinations,
  name: 'bench',
  keep: 5,
  compression: 'none',
  verify: verify === 'true',
  logger: silentLogger,
});
const seconds = (performance.now() - started) / 1000;
const failed = result.destinations.filter((d) => d.error);
if (failed.length > 0) throw new Error('destinations failed: ' + JSON.stringify(failed));
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({ seconds, bytes: result.bytes, maxRssKiB: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }) + '\\n');
`;

interface Blob {
  digest: string;
  size: number;
}

/** A gzip layer: a tar with one file of random bytes, written to `dir/blobs/sha256`; returns it and its diff ID. */
async function randomLayer(
  dir: string,
  index: number,
  bytes: number,
): Promise<{ blob: Blob; diffId: string }> {
  const tarHash = createHash('sha256');
  const blobHash = createHash('sha256');
  let size = 0;
  async function* tar() {
    yield encodeHeader({ path: `data-${index}.bin`, type: 'File', size: bytes, mtime: new Date(0) });
    const chunk = Buffer.alloc(MiB);
    for (let done = 0; done < bytes; done += MiB) {
      yield Buffer.from(randomFillSync(chunk).subarray(0, Math.min(MiB, bytes - done)));
    }
    yield padding(bytes);
    yield Buffer.alloc(1024);
  }
  const hashTar = new Transform({ transform: (c: Buffer, _e, cb) => (tarHash.update(c), cb(null, c)) });
  const hashBlob = new Transform({
    transform: (c: Buffer, _e, cb) => (blobHash.update(c), (size += c.length), cb(null, c)),
  });
  const temp = path.join(dir, `layer-${index}.tmp`);
  // Level 1: random data does not compress, so this is as fast as gzip gets and the layer stays ~its size.
  await pipeline(Readable.from(tar()), hashTar, createGzip({ level: 1 }), hashBlob, createWriteStream(temp));
  const digest = `sha256:${blobHash.digest('hex')}`;
  await rename(temp, path.join(dir, 'blobs', 'sha256', digest.slice(7)));
  return { blob: { digest, size }, diffId: `sha256:${tarHash.digest('hex')}` };
}

async function putJson(dir: string, value: unknown): Promise<Blob> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await writeFile(path.join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { digest, size: bytes.length };
}

/** An OCI layout of a `totalMiB` image in `layers` random gzip layers. */
async function generateLayout(dir: string, totalMiB: number, layers: number): Promise<void> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const made = [];
  for (let i = 0; i < layers; i++)
    made.push(await randomLayer(dir, i, Math.floor((totalMiB * MiB) / layers)));
  const config = await putJson(dir, {
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: made.map((m) => m.diffId) },
  });
  const manifest = await putJson(dir, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: made.map((m) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...m.blob })),
  });
  await writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
}

interface WorkerFigures {
  seconds: number;
  bytes: number;
  maxRssKiB: number;
  cpuSeconds: number;
}

function runWorker(
  worker: string,
  registry: string,
  verify: boolean,
  destinations: string[],
): Promise<WorkerFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [worker, registry, 'bench/big', 'v1', String(verify), ...destinations],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as WorkerFigures);
    });
  });
}

/** Wall and CPU seconds (user + system, from bash's `times`) of skopeo saving the image as a docker-archive. */
async function timeSkopeo(registry: string, out: string): Promise<{ seconds: number; cpuSeconds: number }> {
  await rm(out, { force: true });
  const started = performance.now();
  const { stdout } = await exec(
    'bash',
    [
      '-c',
      '"$0" copy --quiet --src-tls-verify=false "docker://$1/bench/big:v1" "docker-archive:$2:bench/big:v1" >&2; times',
      requireTool('skopeo'),
      registry,
      out,
    ],
    { timeout: 900_000 },
  );
  const seconds = (performance.now() - started) / 1000;
  // `times` prints the shell's then its children's user and system time: "0m1.234s 0m0.567s".
  const children = stdout.trim().split('\n').pop() ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, m) => sum + Number(m[1]) * 60 + Number(m[2]),
    0,
  );
  return { seconds, cpuSeconds };
}

function defaultOutDir(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

async function main(): Promise<void> {
  const totalMiB = Number(process.env.BENCH_IMAGE_MIB ?? 1024);
  const runs = Number(process.env.BENCH_RUNS ?? 2);
  const tmp = await tempDir('bench-breakglass');
  const registry = await startRegistry('plain');
  let outBase: string | undefined;
  try {
    const layout = path.join(tmp.path, 'layout');
    await generateLayout(layout, totalMiB, 4);
    await exec(
      requireTool('skopeo'),
      [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `oci:${layout}:v1`,
        `docker://${registry.host}/bench/big:v1`,
      ],
      {
        timeout: 900_000,
      },
    );
    await rm(layout, { recursive: true, force: true });
    // Outputs go to tmpfs by default: the figures are then those of the two programs, not of this
    // machine's disk (where two copies fsynced to the same disk cost twice one, whatever the program;
    // real destinations are separate devices). BENCH_OUT_DIR=<dir> measures on another file system.
    outBase = await mkdtemp(path.join(process.env.BENCH_OUT_DIR ?? defaultOutDir(), 'sovereign-bench-out-'));
    const one = path.join(outBase, 'one');
    const two = [path.join(outBase, 'two-a'), path.join(outBase, 'two-b')];
    for (const d of [one, ...two]) await mkdir(d);
    const skopeoOut = path.join(outBase, 'skopeo.tar');
    const worker = await bundleForPlainNode({ contents: WORKER }, tmp.path);
    const cpu: Record<string, number[]> = { skopeo: [], one: [], two: [], oneNoVerify: [], twoNoVerify: [] };
    const rssSamples: Record<string, number[]> = { one: [], two: [], oneNoVerify: [], twoNoVerify: [] };
    const times: Record<'skopeo' | 'one' | 'two' | 'oneNoVerify' | 'twoNoVerify', number[]> = {
      skopeo: [],
      one: [],
      two: [],
      oneNoVerify: [],
      twoNoVerify: [],
    };
    let rss = 0;
    let bytes = 0;
    const ours = async (key: keyof typeof times, verify: boolean, destinations: string[]) => {
      const r = await runWorker(worker, registry.host, verify, destinations);
      times[key].push(r.seconds);
      cpu[key]?.push(r.cpuSeconds);
      rssSamples[key]?.push(Math.round((r.maxRssKiB * 1024) / 1e6));
      rss = Math.max(rss, r.maxRssKiB);
      bytes = r.bytes;
      for (const d of [one, ...two]) {
        await rm(d, { recursive: true, force: true });
        await mkdir(d);
      }
    };
    for (let i = 0; i < runs; i++) {
      const sk = await timeSkopeo(registry.host, skopeoOut);
      times.skopeo.push(sk.seconds);
      cpu.skopeo?.push(sk.cpuSeconds);
      await rm(skopeoOut, { force: true });
      await ours('one', true, [one]);
      await ours('two', true, two);
      await ours('oneNoVerify', false, [one]);
      await ours('twoNoVerify', false, two);
    }
    const best = (xs: number[]) => Math.min(...xs);
    const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    const speedup = best(times.skopeo) / best(times.one);
    const twoRatio = best(times.two) / best(times.one);
    const twoRatioNoVerify = best(times.twoNoVerify) / best(times.oneNoVerify);
    const peakRssMB = (rss * 1024) / 1e6;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'breakglass-save',
        imageMiB: totalMiB,
        archiveBytes: bytes,
        runs,
        outDir: outBase,
        oursSeconds: round(best(times.one)),
        skopeoDockerArchiveSeconds: round(best(times.skopeo)),
        speedup: round(speedup),
        peakRssMB: round(peakRssMB, 1),
        twoDestinationsSeconds: round(best(times.two)),
        twoDestinationsRatio: round(twoRatio),
        noVerify: {
          oneSeconds: round(best(times.oneNoVerify)),
          twoSeconds: round(best(times.twoNoVerify)),
          twoDestinationsRatio: round(twoRatioNoVerify),
        },
        targets: { speedup: 1.2, peakRssMB: 150, twoDestinationsRatio: 1.3 },
        pass: speedup >= 1.2 && peakRssMB < 150 && twoRatio <= 1.3,
        cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round(best(v))])),
        peakRssMBSamples: rssSamples,
        samples: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => round(x))])),
        loadAverage: os.loadavg().map((x) => round(x)),
      })}\n`,
    );
  } finally {
    if (outBase) await rm(outBase, { recursive: true, force: true });
    await registry.stop();
    await tmp.cleanup();
  }
}

await main();
