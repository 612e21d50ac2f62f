/**
 * Signing one digest in two local registries (plain and basic-auth), legacy format, excluding the
 * scrypt key derivation: a fresh client per signing (auth handshake, resolve, .sig lookup, two blob
 * pushes, one manifest push per registry). The reference measured in the same run is `skopeo copy`
 * of a tiny image into the same two registries (comparable registry writes by an independent
 * client). scrypt's cost (N = 32768, 65536, 131072) is reported separately. Prints one JSON line.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { decryptWithPassword, generateKeyPair, loadPrivateKey, signImage } from '@sovereign-ci/cosign';
import { dockerConfigCredentials, parseReference, RegistryClient } from '@sovereign-ci/oci';
import { writeTestDockerConfig } from '../test/harness/docker-config';
import { writeTinyOciLayout } from '../test/harness/oci-layout';
import { startRegistry } from '../test/harness/registry';
import { pushSampleImage } from '../test/harness/sample-images';
import { skopeoFlags } from '../test/harness/skopeo';
import { tempDir } from '../test/harness/temp';
import { requireTool } from '../test/harness/tools';

const ROUNDS = Number(process.env.BENCH_SIGN_ROUNDS ?? 7);
const TARGET_MS = 300;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function scryptMs(N: number): Promise<number> {
  const pair = await generateKeyPair('bench', { scryptN: N });
  const body = Buffer.from(pair.privateKeyPem.split('\n').slice(1, -2).join(''), 'base64');
  const started = performance.now();
  await decryptWithPassword(body, 'bench');
  return performance.now() - started;
}

async function main(): Promise<void> {
  const skopeo = requireTool('skopeo');
  const tmp = await tempDir('bench-sign');
  const registries = [await startRegistry('plain'), await startRegistry('basic')];
  try {
    const docker = await writeTestDockerConfig(registries);
    const setup = new RegistryClient({ credentials: dockerConfigCredentials(docker.configPath) });
    const digests: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // The same image bytes in both registries: one digest, signed in each.
      const first = await pushSampleImage(setup.repository(registries[0]!.host, 'bench/app'), `r${i}`);
      execFileSync(skopeo, [
        '--insecure-policy',
        'copy',
        '--preserve-digests',
        ...skopeoFlags(registries[0]!, 'src'),
        ...skopeoFlags(registries[1]!, 'dest'),
        `docker://${registries[0]!.host}/bench/app:r${i}`,
        `docker://${registries[1]!.host}/bench/app:r${i}`,
      ]);
      digests.push(first.manifest.digest);
    }
    await setup.close();

    const pair = await generateKeyPair('bench');
    const key = await loadPrivateKey(pair.privateKeyPem, 'bench');

    const ours: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      const client = new RegistryClient({ credentials: dockerConfigCredentials(docker.configPath) });
      for (const reg of registries) {
        const input = `${reg.host}/bench/app:r${i}`;
        const signed = await signImage(input, parseReference(input), { client, key, format: 'legacy' });
        if (signed.digest !== digests[i] || !signed.signatures[0]?.written)
          throw new Error(`unexpected result for ${input}`);
      }
      await client.close();
      ours.push(performance.now() - started);
    }

    const reference: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const image = await writeTinyOciLayout(path.join(tmp.path, `ref-${i}`), {
        tag: 'v1',
        content: `ref ${i}\n`,
      });
      const started = performance.now();
      for (const reg of registries) {
        execFileSync(skopeo, [
          '--insecure-policy',
          'copy',
          ...skopeoFlags(reg, 'dest'),
          image.skopeoRef,
          `docker://${reg.host}/bench/ref:r${i}`,
        ]);
      }
      reference.push(performance.now() - started);
    }

    const scrypt = {
      N32768: round(await scryptMs(32768)),
      N65536: round(await scryptMs(65536)),
      N131072: round(await scryptMs(131072)),
    };
    const oursMs = median(ours);
    const referenceMs = median(reference);
    console.log(
      JSON.stringify({
        bench: 'sign',
        what: 'legacy signature of one digest in two local registries, scrypt excluded (median of rounds)',
        rounds: ROUNDS,
        signTwoRegistriesMs: round(oursMs),
        signTwoRegistriesMaxMs: round(Math.max(...ours)),
        targetMs: TARGET_MS,
        withinTarget: oursMs < TARGET_MS,
        referenceSkopeoCopyTwoRegistriesMs: round(referenceMs),
        ratioToReference: Math.round((oursMs / referenceMs) * 1000) / 1000,
        ratioToTarget: Math.round((oursMs / TARGET_MS) * 1000) / 1000,
        scryptDecryptMs: scrypt,
      }),
    );
    await docker.cleanup();
  } finally {
    for (const reg of registries) await reg.stop();
    await tmp.cleanup();
  }
}

await main();
