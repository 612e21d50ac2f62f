/**
 * Pulling a 1 GiB blob from a local registry with digest verification: our client (in a fresh
 * process, so its peak RSS is its own) against `curl -o /dev/null` plus `sha256sum`, measured in the
 * same run (also `curl | sha256sum` as a pipe). The blob is generated in a temp dir, pushed with one
 * curl PUT, and removed afterwards. Prints one JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { peakRssMb } from './support/peak-rss';
import { bundleForPlainNode } from './support/plain-node';
import { createHash, randomFillSync } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient, type Descriptor } from '@sovereign-ci/oci';
import { startRegistry } from '../test/harness/registry';
import { requireTool } from '../test/harness/tools';

const SIZE = Number(process.env.BENCH_BLOB_MIB ?? 1024) * 1024 * 1024;
const here = fileURLToPath(import.meta.url);

async function writeBlob(file: string): Promise<Descriptor> {
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  for (let done = 0; done < SIZE; done += buf.length) {
    randomFillSync(buf);
    hash.update(buf);
    if (!out.write(Buffer.from(buf))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await new Promise<void>((r) => out.once('close', () => r()));
  return { mediaType: 'application/octet-stream', digest: `sha256:${hash.digest('hex')}`, size: SIZE };
}

function seconds(fn: () => void): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The child: our client downloads and verifies the blob, then reports its time and peak RSS. */
async function child(host: string, blob: Descriptor): Promise<void> {
  const baselineMb = peakRssMb();
  const client = new RegistryClient();
  const started = process.hrtime.bigint();
  let bytes = 0;
  for await (const chunk of await client.repository(host, 'bench/pull').blobs.fetch(blob))
    bytes += (chunk as Buffer).length;
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await client.close();
  if (bytes !== blob.size) throw new Error(`read ${bytes} bytes, expected ${blob.size}`);
  process.stdout.write(JSON.stringify({ seconds: elapsed, maxRssMb: peakRssMb(), baselineMb }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]!, JSON.parse(process.argv[4]!) as Descriptor);
    return;
  }
  const curl = requireTool('curl');
  const sha256sum = requireTool('sha256sum');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-blob-pull-'));
  const registry = await startRegistry('plain');
  try {
    const file = path.join(tmp, 'blob');
    const blob = await writeBlob(file);
    const head = execFileSync(
      curl,
      ['-sS', '-i', '-X', 'POST', `http://${registry.host}/v2/bench/pull/blobs/uploads/`],
      {
        encoding: 'utf8',
      },
    );
    const url = new URL(/^location:\s*(\S+)/im.exec(head)?.[1] ?? '', `http://${registry.host}`);
    url.searchParams.set('digest', blob.digest);
    execFileSync(curl, ['-sS', '-f', '-o', '/dev/null', '-T', file, url.toString()]);
    rmSync(file);
    const blobUrl = `http://${registry.host}/v2/bench/pull/blobs/${blob.digest}`;

    const measured = await bundleForPlainNode({ file: here }, tmp);
    const run = spawnSync(process.execPath, [measured, '--child', registry.host, JSON.stringify(blob)], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`our pull failed:\n${run.stderr}`);
    const ours = JSON.parse(run.stdout) as { seconds: number; maxRssMb: number; baselineMb: number };

    const curlSeconds = seconds(() => execFileSync(curl, ['-sS', '-f', '-L', '-o', file, blobUrl]));
    let sum = '';
    const sumSeconds = seconds(() => (sum = execFileSync(sha256sum, [file], { encoding: 'utf8' })));
    if (`sha256:${sum.split(' ')[0]}` !== blob.digest) throw new Error('curl downloaded a different blob');
    rmSync(file);
    const nullSeconds = seconds(() => execFileSync(curl, ['-sS', '-f', '-L', '-o', '/dev/null', blobUrl]));
    const pipeSeconds = seconds(() =>
      execFileSync('/bin/sh', ['-c', `"${curl}" -sS -f -L "${blobUrl}" | "${sha256sum}"`], {
        encoding: 'utf8',
      }),
    );

    const mbps = (s: number) => Math.round((blob.size / 1e6 / s) * 10) / 10;
    const round = (n: number) => Math.round(n * 100) / 100;
    const reference = nullSeconds + sumSeconds;
    console.log(
      JSON.stringify({
        bench: 'blob-pull',
        bytes: blob.size,
        ours_verified_mb_s: mbps(ours.seconds),
        curl_devnull_plus_sha256sum_mb_s: mbps(reference),
        ratio_vs_curl_plus_sha256sum: round(reference / ours.seconds),
        curl_devnull_mb_s: mbps(nullSeconds),
        curl_to_file_mb_s: mbps(curlSeconds),
        sha256sum_mb_s: mbps(sumSeconds),
        curl_pipe_sha256sum_mb_s: mbps(pipeSeconds),
        ratio_vs_curl_pipe_sha256sum: round(pipeSeconds / ours.seconds),
        ours_peak_rss_mb: Math.round(ours.maxRssMb),
        ours_rss_before_pull_mb: Math.round(ours.baselineMb),
        targets: { ratio_vs_curl_plus_sha256sum: 0.9 },
      }),
    );
  } finally {
    await registry.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
