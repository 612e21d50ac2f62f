/**
 * build-push's own work around the builder: tag computation plus verification of 2 registries × 3 tags
 * (one token-auth registry, one plain), against real local registries. Target: under 500 ms wall.
 * Reference: the same 6 resolutions done by skopeo (`skopeo inspect --raw`, one process per tag).
 */
import path from 'node:path';
import { readRunnerContext, silentLogger } from '@sovereign-ci/action-kit';
import {
  computeImageMetadata,
  metadataContext,
  registryClientStore,
  verifyPushed,
} from '@sovereign-ci/build';
import { dockerConfigCredentials, RegistryClient } from '@sovereign-ci/oci';
import { writeTestDockerConfig } from '../test/harness/docker-config';
import { writeTinyOciLayout } from '../test/harness/oci-layout';
import { startRegistry } from '../test/harness/registry';
import { skopeo, skopeoFlags } from '../test/harness/skopeo';
import { tempDir } from '../test/harness/temp';

const TARGET_MS = 500;
const env = {
  FORGEJO_ACTIONS: 'true',
  FORGEJO_EVENT_NAME: 'push',
  FORGEJO_REF: 'refs/heads/main',
  FORGEJO_SHA: '3f9c2e71d0a84b6e9c15f7a2b8d40e6c1a7b9d52',
  FORGEJO_SERVER_URL: 'https://git.example.org',
  FORGEJO_REPOSITORY: 'infra/payments-api',
};
const payload = {
  repository: {
    name: 'payments-api',
    default_branch: 'main',
    html_url: 'https://git.example.org/infra/payments-api',
  },
};

const work = await tempDir('bench-build-push');
const registries = [await startRegistry('token'), await startRegistry('plain')];
try {
  const images = registries.map((reg) => `${reg.host}/infra/app`);
  const image = await writeTinyOciLayout(path.join(work.path, 'layout'), { tag: 'v1' });
  const tags = ['main', 'latest', 'sha-3f9c2e7'];
  for (const reg of registries) {
    for (const tag of tags) {
      await skopeo([
        'copy',
        ...skopeoFlags(reg, 'dest'),
        image.skopeoRef,
        `docker://${reg.host}/infra/app:${tag}`,
      ]);
    }
  }
  const config = await writeTestDockerConfig(registries);

  const started = performance.now();
  const context = metadataContext(readRunnerContext(env), payload);
  const metadata = computeImageMetadata(context, { images, tags: [] });
  const client = new RegistryClient({ credentials: dockerConfigCredentials(config.configPath) });
  const rows = await verifyPushed({
    images,
    tags: metadata.tagNames,
    digest: image.manifestDigest,
    store: registryClientStore(client),
    logger: silentLogger,
  });
  const oursMs = performance.now() - started;
  if (rows.length !== 6 || rows.some((row) => row.status !== 'ok'))
    throw new Error(`unexpected verification: ${JSON.stringify(rows)}`);

  const refStarted = performance.now();
  for (const reg of registries) {
    for (const tag of metadata.tagNames) {
      // Async: the token server runs in this process and must keep answering.
      await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/infra/app:${tag}`,
      ]);
    }
  }
  const referenceMs = performance.now() - refStarted;
  await config.cleanup();
  console.log(
    JSON.stringify({
      bench: 'build-push',
      what: 'tag computation + verify 2 registries x 3 tags',
      ms: Math.round(oursMs * 10) / 10,
      targetMs: TARGET_MS,
      pass: oursMs < TARGET_MS,
      reference: 'skopeo inspect --raw x6',
      referenceMs: Math.round(referenceMs * 10) / 10,
      ratio: Math.round((oursMs / referenceMs) * 1000) / 1000,
    }),
  );
} finally {
  for (const reg of registries) await reg.stop();
  await work.cleanup();
}
