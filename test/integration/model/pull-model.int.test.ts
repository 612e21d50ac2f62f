import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { ModelPathError, pullModel } from '@sovereign-ci/model';
import {
  describeBytes,
  encodeManifest,
  MediaType,
  RegistryClient,
  type ImageManifest,
} from '@sovereign-ci/oci';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';

const EMPTY = Buffer.from('{}');

/** Pushes a manifest shaped like `oras push reg/repo:tag file…` makes: empty config, titled tar layers. */
async function pushOrasStyle(
  client: RegistryClient,
  reg: TestRegistry,
  repo: string,
  files: Record<string, string>,
): Promise<void> {
  const r = client.repository(reg.host, repo);
  const config = describeBytes(MediaType.ociEmpty, EMPTY);
  await r.blobs.push(config, EMPTY);
  const layers = [];
  for (const [title, text] of Object.entries(files)) {
    const bytes = Buffer.from(text);
    const d = describeBytes('application/vnd.oci.image.layer.v1.tar', bytes);
    await r.blobs.push(d, bytes);
    layers.push({ ...d, annotations: { 'org.opencontainers.image.title': title } });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: 'application/vnd.unknown.artifact.v1',
    config,
    layers,
    annotations: { 'org.opencontainers.image.created': '2025-01-01T00:00:00Z' },
  };
  await r.manifests.push(MediaType.ociManifest, encodeManifest(manifest), 'v1');
}

describe('pullModel', () => {
  let reg: TestRegistry;
  let tmp: TempDir;
  let client: RegistryClient;

  beforeAll(async () => {
    reg = await startRegistry('plain');
    tmp = await tempDir('pull-model');
    client = new RegistryClient();
  });
  afterAll(async () => {
    await client?.close();
    await reg?.stop();
    await tmp?.cleanup();
  });

  describe('when the artifact was made the way oras push makes one', () => {
    it('restores each file at its title, replaces a wrong local copy and keeps a right one', async () => {
      await pushOrasStyle(client, reg, 'oras/plain', { 'a.txt': 'alpha\n', 'dir/b.json': '{"b":1}' });
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/oras/plain:v1`,
      ]);
      expect(
        (JSON.parse(stdout) as ImageManifest).layers.map(
          (l) => l.annotations?.['org.opencontainers.image.title'],
        ),
      ).toEqual(['a.txt', 'dir/b.json']);

      const out = path.join(tmp.path, 'oras-out');
      await mkdir(path.join(out, 'dir'), { recursive: true });
      await writeFile(path.join(out, 'a.txt'), 'alpha\n');
      await writeFile(path.join(out, 'dir', 'b.json'), 'stale');
      const result = await pullModel(client.repository(reg.host, 'oras/plain'), {
        reference: 'v1',
        dir: out,
        logger: silentLogger,
      });
      expect(result.files.map((f) => [f.path, f.status])).toEqual([
        ['a.txt', 'present'],
        ['dir/b.json', 'downloaded'],
      ]);
      expect(await readFile(path.join(out, 'dir', 'b.json'), 'utf8')).toBe('{"b":1}');
    });
  });

  describe('when a title would escape the target directory', () => {
    it.each(['../escape.txt', '/etc/escape.txt', 'ok/../../escape.txt'])(
      'refuses %s and writes nothing',
      async (title) => {
        const repo = `oras/evil-${Buffer.from(title).toString('hex').slice(0, 12)}`;
        await pushOrasStyle(client, reg, repo, { 'fine.txt': 'x', [title]: 'pwned' });
        const out = path.join(tmp.path, `evil-${repo.slice(-12)}`, 'inner');
        await expect(
          pullModel(client.repository(reg.host, repo), { reference: 'v1', dir: out, logger: silentLogger }),
        ).rejects.toThrow(ModelPathError);
        expect(existsSync(path.join(out, '..', 'escape.txt'))).toBe(false);
        expect(existsSync(path.join(out, 'fine.txt'))).toBe(false);
      },
    );
  });

  describe('when the target directory holds a symbolic link on the way', () => {
    it('refuses to write through it', async () => {
      await pushOrasStyle(client, reg, 'oras/link', { 'sub/file.txt': 'through the link' });
      const out = path.join(tmp.path, 'link-out');
      const elsewhere = path.join(tmp.path, 'elsewhere');
      await mkdir(out, { recursive: true });
      await mkdir(elsewhere, { recursive: true });
      await symlink(elsewhere, path.join(out, 'sub'));
      await expect(
        pullModel(client.repository(reg.host, 'oras/link'), {
          reference: 'v1',
          dir: out,
          logger: silentLogger,
        }),
      ).rejects.toThrow(/symbolic link/);
      expect(existsSync(path.join(elsewhere, 'file.txt'))).toBe(false);
    });
  });

  describe('when a blob in the registry is corrupted', () => {
    it('fails the file and leaves no file (nor temporary file) behind', async () => {
      await pushOrasStyle(client, reg, 'oras/corrupt', { 'weights.bin': 'the real bytes' });
      const digest = describeBytes('x', Buffer.from('the real bytes')).digest.slice(7);
      await writeFile(
        path.join(
          reg.dataDir,
          'docker',
          'registry',
          'v2',
          'blobs',
          'sha256',
          digest.slice(0, 2),
          digest,
          'data',
        ),
        'the fake bytes',
      );
      const out = path.join(tmp.path, 'corrupt-out');
      await expect(
        pullModel(client.repository(reg.host, 'oras/corrupt'), {
          reference: 'v1',
          dir: out,
          logger: silentLogger,
        }),
      ).rejects.toThrow(/digest/i);
      expect(existsSync(path.join(out, 'weights.bin'))).toBe(false);
      const { readdir } = await import('node:fs/promises');
      expect(await readdir(out)).toEqual([]);
    });
  });
});
