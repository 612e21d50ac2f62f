/**
 * Re-pinning 500 files (Dockerfiles, compose files, workflows) that reference 100 unique images in
 * a local registry, end to end through the repin action (pull-request: false: scan, resolve, rewrite,
 * write). A counting loopback proxy in front of the registry counts the manifest requests the
 * registry receives (target: one per unique reference). Reference measured in the same run: the
 * naive way, one sequential HEAD per occurrence through the same client. Prints one JSON line.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createActionContext, type RunnerCommands } from '@sovereign-ci/action-kit';
import { digestOf, RegistryClient } from '@sovereign-ci/oci';
import { run } from '../actions/repin/src/run';
import { startRegistry } from '../test/harness/registry';
import { tempDir } from '../test/harness/temp';

const FILES = 500;
const IMAGES = 100;
const TARGET_MS = 3000;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A loopback proxy that forwards to `target` and counts requests by kind. */
async function countingProxy(
  target: string,
): Promise<{ host: string; counts: Map<string, number>; close(): Promise<void> }> {
  const counts = new Map<string, number>();
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const kind = `${req.method ?? ''} ${/\/manifests\//.test(req.url ?? '') ? 'manifest' : /\/blobs\//.test(req.url ?? '') ? 'blob' : (req.url ?? '')}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

const silentCommands: RunnerCommands = {
  setOutput: () => undefined,
  setFailed: (m) => {
    throw new Error(`repin failed: ${m}`);
  },
  setSecret: () => undefined,
  saveState: () => undefined,
  getState: () => '',
  exportVariable: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
  startGroup: () => undefined,
  endGroup: () => undefined,
};

async function main(): Promise<void> {
  const registry = await startRegistry('plain');
  const tmp = await tempDir('bench-repin');
  const proxy = await countingProxy(registry.url);
  try {
    // setup (not timed): 100 single-manifest images sharing one layer, pushed with our client
    const setup = new RegistryClient({});
    const layer = Buffer.alloc(1024);
    const layerDesc = {
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: digestOf(layer),
      size: layer.length,
    };
    for (let i = 0; i < IMAGES; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, async (_v, k) => {
          const repo = setup.repository(registry.host, `bench/image-${i + k}`);
          const config = Buffer.from(
            JSON.stringify({
              architecture: 'amd64',
              os: 'linux',
              config: { Labels: { n: String(i + k) } },
              rootfs: { type: 'layers', diff_ids: [layerDesc.digest] },
            }),
          );
          const configDesc = {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: digestOf(config),
            size: config.length,
          };
          await repo.blobs.push(layerDesc, layer);
          await repo.blobs.push(configDesc, config);
          await repo.manifests.push(
            MANIFEST,
            Buffer.from(
              JSON.stringify({
                schemaVersion: 2,
                mediaType: MANIFEST,
                config: configDesc,
                layers: [layerDesc],
              }),
            ),
            '1.0',
          );
        }),
      );
    }
    const ref = (n: number): string => `${proxy.host}/bench/image-${n % IMAGES}:1.0`;
    const ws = path.join(tmp.path, 'ws');
    let occurrences = 0;
    for (let f = 0; f < FILES; f++) {
      const kind = f % 5;
      const a = ref(f);
      const b = ref(f * 7 + 3);
      let file: string;
      let text: string;
      if (kind < 3) {
        file = `services/svc-${f}/Dockerfile`;
        text = `# syntax-less build\nFROM ${a} AS build\nRUN make\nFROM ${b}\nCOPY --from=build /out /out\n`;
      } else if (kind === 3) {
        file = `stacks/stack-${f}/compose.yaml`;
        text = `services:\n  app:\n    image: "${a}"\n  side:\n    image: ${b} # sidecar\n`;
      } else {
        file = `.forgejo/workflows/wf-${f}.yml`;
        text = `on: push\njobs:\n  t:\n    container: ${a}\n    services:\n      db:\n        image: ${b}\n    steps:\n      - run: true\n`;
      }
      occurrences += 2;
      await mkdir(path.dirname(path.join(ws, file)), { recursive: true });
      await writeFile(path.join(ws, file), text);
    }

    proxy.counts.clear();
    const env = {
      GITHUB_WORKSPACE: ws,
      RUNNER_TEMP: tmp.path,
      DOCKER_CONFIG: path.join(tmp.path, 'no-docker'),
      'INPUT_PULL-REQUEST': 'false',
      INPUT_CONCURRENCY: '16',
    };
    const ctx = createActionContext(env, silentCommands);
    const started = performance.now();
    await run(ctx);
    const ms = performance.now() - started;
    const counted = Object.fromEntries(proxy.counts);
    const manifestRequests = [...proxy.counts]
      .filter(([k]) => k.endsWith(' manifest'))
      .reduce((n, [, v]) => n + v, 0);
    const changes = (JSON.parse(ctx.outputs.values.changes ?? '[]') as unknown[]).length;

    // reference: one HEAD per occurrence, sequentially, through a fresh client
    const naive = new RegistryClient({});
    const refStarted = performance.now();
    for (let n = 0; n < occurrences; n++) {
      const i = n % 2 === 0 ? Math.floor(n / 2) : Math.floor(n / 2) * 7 + 3;
      await naive.repository(proxy.host, `bench/image-${i % IMAGES}`).manifests.resolve('1.0');
    }
    const refMs = performance.now() - refStarted;

    console.log(
      JSON.stringify({
        bench: 'repin',
        files: FILES,
        occurrences,
        uniqueImages: IMAGES,
        changes,
        ms: Math.round(ms),
        targetMs: TARGET_MS,
        withinTarget: ms < TARGET_MS,
        manifestRequests,
        manifestRequestsPerUniqueImage: manifestRequests / IMAGES,
        registryRequests: counted,
        referenceNaiveSequentialMs: Math.round(refMs),
        ratio: Number((ms / refMs).toFixed(3)),
      }),
    );
  } finally {
    await proxy.close();
    await registry.stop();
    await tmp.cleanup();
  }
}

await main();
