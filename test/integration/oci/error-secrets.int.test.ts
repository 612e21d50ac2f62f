import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import { digestOf, MediaType, RegistryClient, staticCredentials } from '@sovereign-ci/oci';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { buildImage } from './images';

/** A loopback proxy in front of the registry that keeps every Authorization header it forwards. */
async function recordingProxy(target: string) {
  const authorizations = new Set<string>();
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    if (req.headers.authorization) authorizations.add(req.headers.authorization);
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('RegistryError', () => {
  describe('when a token registry refuses or fails requests', () => {
    let reg: TestRegistry;
    let proxy: Awaited<ReturnType<typeof recordingProxy>>;
    beforeAll(async () => {
      reg = await startRegistry('token');
      proxy = await recordingProxy(reg.url);
    });
    afterAll(async () => {
      await proxy.stop();
      await reg.stop();
    });

    it('never carries the password, the basic header or a bearer token in message, url or JSON', async () => {
      const logger = recordingLogger();
      const good = new RegistryClient({
        credentials: staticCredentials(proxy.host, { username: reg.username!, password: reg.password! }),
        retries: 0,
        logger,
      });
      const bad = new RegistryClient({
        credentials: staticCredentials(proxy.host, { username: reg.username!, password: 'wrong-secret-pw' }),
        retries: 0,
        logger,
      });
      const repo = good.repository(proxy.host, 'team/app');
      const image = buildImage('secrets\n');
      const layer = image.blobs[1]!;
      const failures = await Promise.all(
        [
          bad.ping(proxy.host, 'repository:team/app:pull'),
          bad.repository(proxy.host, 'team/app').manifests.fetch('v1'),
          repo.manifests.fetch('missing'),
          repo.blobs.fetch({ mediaType: MediaType.ociLayerTarGzip, digest: digestOf('none'), size: 4 }),
          repo.blobs.push({ ...layer.descriptor, digest: digestOf('not these bytes') }, layer.source),
          repo.manifests.push(MediaType.ociManifest, image.bytes, 'v1'),
        ].map((p) =>
          p.then(
            () => undefined,
            (e: unknown) => e as Error,
          ),
        ),
      );
      await good.close();
      await bad.close();

      expect(failures.map((e) => (e as { name?: string } | undefined)?.name)).toEqual(
        Array(6).fill('RegistryError'),
      );
      const bearer = [...proxy.authorizations].filter((a) => a.startsWith('Bearer '));
      expect(bearer.length).toBeGreaterThan(0);
      const secrets = [
        reg.password!,
        'wrong-secret-pw',
        Buffer.from(`${reg.username}:${reg.password}`).toString('base64'),
        Buffer.from(`${reg.username}:wrong-secret-pw`).toString('base64'),
        ...bearer.map((a) => a.slice('Bearer '.length)),
        ...bearer.map((a) => a.slice('Bearer '.length).split('.')[2]!),
      ];
      const said = failures.map((e) => {
        const err = e as Error & { url?: string; cause?: unknown };
        return [err.message, err.url ?? '', JSON.stringify(err), String(err.stack)].join('\n');
      });
      said.push(logger.lines.join('\n'));
      for (const text of said) for (const secret of secrets) expect(text).not.toContain(secret);
    });
  });
});
