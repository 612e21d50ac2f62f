import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestDockerConfig } from '../../harness/docker-config';
import { sha256Digest, writeTinyOciLayout } from '../../harness/oci-layout';
import type { TinyImage } from '../../harness/oci-layout';
import { settledLog, startRegistry } from '../../harness/registry';
import type { RegistryVariant, TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir } from '../../harness/temp';
import type { TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';

const run = promisify(execFile);

function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function jwtPart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

async function pushAndPull(reg: TestRegistry, tmp: TempDir, name: string): Promise<TinyImage> {
  const image = await writeTinyOciLayout(path.join(tmp.path, `${name}-src`), {
    content: `${name} ${reg.variant}\n`,
  });
  const ref = `docker://${reg.host}/harness/${name}:v1`;
  await skopeo(['copy', ...skopeoFlags(reg, 'dest'), image.skopeoRef, ref]);
  const { stdout } = await skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), ref]);
  expect(sha256Digest(stdout)).toBe(image.manifestDigest);
  const pulledDir = path.join(tmp.path, `${name}-pulled`);
  await skopeo(['copy', ...skopeoFlags(reg, 'src'), ref, `oci:${pulledDir}:v1`]);
  const index = JSON.parse(await readFile(path.join(pulledDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  expect(index.manifests.map((m) => m.digest)).toEqual([image.manifestDigest]);
  const layerFile = path.join(pulledDir, 'blobs', 'sha256', image.layer.digest.slice(7));
  const { stdout: sum } = await run(requireTool('sha256sum'), [layerFile]);
  expect(`sha256:${sum.split(' ')[0] ?? ''}`).toBe(image.layer.digest);
  return image;
}

describe('startRegistry', () => {
  describe.each<RegistryVariant>(['plain', 'basic', 'token', 'tls'])('when the variant is %s', (variant) => {
    let reg: TestRegistry;
    let tmp: TempDir;
    beforeAll(async () => {
      tmp = await tempDir(`harness-${variant}`);
      reg = await startRegistry(variant);
    });
    afterAll(async () => {
      await reg?.stop();
      await tmp?.cleanup();
    });

    it('describes itself', () => {
      expect({
        host: /^127\.0\.0\.1:\d+$/.test(reg.host),
        url: reg.url,
        credentials: reg.username !== undefined && reg.password !== undefined,
        ca: reg.caFile !== undefined,
      }).toEqual({
        host: true,
        url: `${variant === 'tls' ? 'https' : 'http'}://${reg.host}`,
        credentials: variant === 'basic' || variant === 'token',
        ca: variant === 'tls',
      });
    });

    it('pushes and pulls an image through its auth flow with skopeo, digests unchanged', async () => {
      const image = await pushAndPull(reg, tmp, 'tiny');
      const stored = path.join(
        reg.dataDir,
        'docker/registry/v2/blobs/sha256',
        image.layer.digest.slice(7, 9),
        image.layer.digest.slice(7),
        'data',
      );
      expect(sha256Digest(await readFile(stored))).toBe(image.layer.digest);
      expect(await settledLog(reg)).toContain('/v2/harness/tiny/manifests/v1');
    });
  });

  describe('when the variant is plain', () => {
    it('answers anonymous requests', async () => {
      const reg = await startRegistry('plain');
      try {
        const res = await fetch(`${reg.url}/v2/`);
        expect(res.status).toBe(200);
      } finally {
        await reg.stop();
      }
    });
  });

  describe('when the variant is basic', () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry('basic');
    });
    afterAll(() => reg?.stop());

    it('refuses anonymous requests with a Basic challenge', async () => {
      const res = await fetch(`${reg.url}/v2/`);
      expect({ status: res.status, challenge: res.headers.get('www-authenticate') }).toEqual({
        status: 401,
        challenge: 'Basic realm="sovereign-ci"',
      });
    });

    it('accepts the right password and refuses a wrong one', async () => {
      const ok = await fetch(`${reg.url}/v2/`, {
        headers: { authorization: basic(reg.username!, reg.password!) },
      });
      const bad = await fetch(`${reg.url}/v2/`, {
        headers: { authorization: basic(reg.username!, 'wrong') },
      });
      expect([ok.status, bad.status]).toEqual([200, 401]);
    });
  });

  describe('when the variant is token', () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry('token');
    });
    afterAll(() => reg?.stop());

    it('refuses anonymous access with a Bearer challenge naming the token server', async () => {
      const res = await fetch(`${reg.url}/v2/harness/tiny/tags/list`);
      expect({ status: res.status, challenge: res.headers.get('www-authenticate') }).toEqual({
        status: 401,
        challenge: `Bearer realm="${reg.tokenServer!.realm}",service="${reg.tokenServer!.service}",scope="repository:harness/tiny:pull"`,
      });
      const { stdout } = await run(requireTool('curl'), [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `${reg.url}/v2/`,
      ]);
      expect(stdout).toBe('401');
    });

    it('rejects a wrong password at the token server', async () => {
      const realm = `${reg.tokenServer!.realm}?service=${reg.tokenServer!.service}&scope=repository:harness/tiny:pull`;
      const res = await fetch(realm, { headers: { authorization: basic(reg.username!, 'wrong') } });
      expect(res.status).toBe(401);
      await expect(
        skopeo([
          'inspect',
          '--raw',
          '--tls-verify=false',
          `--creds=${reg.username!}:wrong`,
          `docker://${reg.host}/harness/tiny:v1`,
        ]),
      ).rejects.toThrow(/401|unauthorized/i);
    });

    it('issues x5c-signed tokens carrying the requested access, which the registry honours', async () => {
      const realm = `${reg.tokenServer!.realm}?service=${reg.tokenServer!.service}&scope=repository:harness/other:pull,push`;
      const res = await fetch(realm, { headers: { authorization: basic(reg.username!, reg.password!) } });
      const { token } = (await res.json()) as { token: string };
      const header = jwtPart(token, 0);
      const claims = jwtPart(token, 1);
      expect({
        alg: header.alg,
        x5c: Array.isArray(header.x5c),
        aud: claims.aud,
        access: claims.access,
      }).toEqual({
        alg: 'RS256',
        x5c: true,
        aud: 'sovereign-ci-registry',
        access: [{ type: 'repository', name: 'harness/other', actions: ['pull', 'push'] }],
      });
      const allowed = await fetch(`${reg.url}/v2/harness/other/tags/list`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const otherRepo = await fetch(`${reg.url}/v2/harness/tiny/tags/list`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect([allowed.status, otherRepo.status]).toEqual([404, 401]);
    });

    it('also verifies ES256 tokens', async () => {
      const es = await startRegistry('token', { tokenAlg: 'ES256' });
      try {
        const realm = `${es.tokenServer!.realm}?service=${es.tokenServer!.service}&scope=repository:harness/x:pull`;
        const res = await fetch(realm, { headers: { authorization: basic(es.username!, es.password!) } });
        const { token } = (await res.json()) as { token: string };
        const probe = await fetch(`${es.url}/v2/harness/x/tags/list`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect([jwtPart(token, 0).alg, probe.status]).toEqual(['ES256', 404]);
      } finally {
        await es.stop();
      }
    });
  });

  describe('when the variant is tls', () => {
    let reg: TestRegistry;
    beforeAll(async () => {
      reg = await startRegistry('tls');
    });
    afterAll(() => reg?.stop());

    it('serves a certificate for 127.0.0.1 and localhost that only the per-run CA verifies', async () => {
      const curl = requireTool('curl');
      const code = ['-s', '-o', '/dev/null', '-w', '%{http_code}'];
      const trusted = await run(curl, [...code, '--cacert', reg.caFile!, `${reg.url}/v2/`]);
      const port = reg.host.split(':')[1] ?? '';
      const byName = await run(curl, [
        ...code,
        '--cacert',
        reg.caFile!,
        '--resolve',
        `localhost:${port}:127.0.0.1`,
        `https://localhost:${port}/v2/`,
      ]);
      const untrusted = await run(curl, [...code, `${reg.url}/v2/`]).then(
        () => 0,
        (err: { code?: number }) => err.code,
      );
      expect([trusted.stdout, byName.stdout, untrusted]).toEqual(['200', '200', 60]);
    });
  });

  describe('when a credentialed variant is served over TLS', () => {
    it.each<RegistryVariant>(['basic', 'token'])(
      'pushes and pulls through %s auth over HTTPS',
      async (variant) => {
        const reg = await startRegistry(variant, { tls: true });
        const tmp = await tempDir('harness-tls-auth');
        try {
          expect([reg.url.startsWith('https://'), reg.caFile !== undefined, reg.username]).toEqual([
            true,
            true,
            'sovereign',
          ]);
          await pushAndPull(reg, tmp, 'secure');
        } finally {
          await reg.stop();
          await tmp.cleanup();
        }
      },
    );
  });

  describe('when the token registry allows anonymous pull', () => {
    it('lets anonymous clients pull but not push', async () => {
      const reg = await startRegistry('token', { anonymousPull: true });
      const tmp = await tempDir('harness-anon');
      try {
        const image = await pushAndPull(reg, tmp, 'public');
        const ref = `docker://${reg.host}/harness/public:v1`;
        const { stdout } = await skopeo(['inspect', '--raw', '--tls-verify=false', '--no-creds', ref]);
        const other = await writeTinyOciLayout(path.join(tmp.path, 'anon-push'));
        const push = await skopeo([
          'copy',
          '--dest-tls-verify=false',
          '--dest-no-creds',
          other.skopeoRef,
          `${ref}-anon`,
        ]).then(
          () => 'pushed',
          (err: Error) => (/401|unauthorized|denied/i.test(err.message) ? 'refused' : err.message),
        );
        expect([sha256Digest(stdout), push]).toEqual([image.manifestDigest, 'refused']);
      } finally {
        await reg.stop();
        await tmp.cleanup();
      }
    });
  });

  describe('when deleteEnabled is set', () => {
    it.each([
      { deleteEnabled: true, deleted: true },
      { deleteEnabled: false, deleted: false },
    ])('deletes manifests only when enabled ($deleteEnabled)', async ({ deleteEnabled, deleted }) => {
      const reg = await startRegistry('plain', { deleteEnabled });
      const tmp = await tempDir('harness-delete');
      try {
        await pushAndPull(reg, tmp, 'gone');
        const outcome = await skopeo([
          'delete',
          ...skopeoFlags(reg, 'plain'),
          `docker://${reg.host}/harness/gone:v1`,
        ]).then(
          () => true,
          () => false,
        );
        expect(outcome).toBe(deleted);
      } finally {
        await reg.stop();
        await tmp.cleanup();
      }
    });
  });

  describe('when stopped', () => {
    it('kills the process, frees the port and removes its directory', async () => {
      const reg = await startRegistry('basic');
      await reg.stop();
      const alive = (() => {
        try {
          process.kill(reg.pid, 0);
          return true;
        } catch {
          return false;
        }
      })();
      const answered = await fetch(`${reg.url}/v2/`).then(
        () => true,
        () => false,
      );
      expect({ alive, answered, dataDir: existsSync(reg.dataDir) }).toEqual({
        alive: false,
        answered: false,
        dataDir: false,
      });
    });
  });
});

describe('writeTestDockerConfig', () => {
  describe('when given registries with and without credentials', () => {
    it('writes auths that skopeo accepts as an auth file', async () => {
      const regs = await Promise.all([
        startRegistry('basic'),
        startRegistry('token'),
        startRegistry('plain'),
      ]);
      const tmp = await tempDir('harness-authfile');
      try {
        const docker = await writeTestDockerConfig(regs);
        const config = JSON.parse(await readFile(docker.configPath, 'utf8')) as {
          auths: Record<string, unknown>;
        };
        expect(Object.keys(config.auths).sort()).toEqual([regs[0]!.host, regs[1]!.host].sort());
        for (const reg of regs.slice(0, 2)) {
          const image = await writeTinyOciLayout(path.join(tmp.path, reg.variant));
          const ref = `docker://${reg.host}/harness/authfile:v1`;
          await skopeo([
            'copy',
            '--dest-tls-verify=false',
            `--dest-authfile=${docker.configPath}`,
            image.skopeoRef,
            ref,
          ]);
          const { stdout } = await skopeo([
            'inspect',
            '--raw',
            '--tls-verify=false',
            `--authfile=${docker.configPath}`,
            ref,
          ]);
          expect(sha256Digest(stdout)).toBe(image.manifestDigest);
        }
        await docker.cleanup();
      } finally {
        await Promise.all(regs.map((r) => r.stop()));
        await tmp.cleanup();
      }
    });
  });
});
