import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readlink, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../actions/breakglass-save/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { fixturePath, repoRoot } from '../../harness/fixtures';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { shapeOf } from '../../unit/archive/shape';
import { runRecorded } from '../../harness/recorded-run';
import { Buildah, inspectRaw, skopeo } from './buildah-images';

const exec = promisify(execFile);

let registry: TestRegistry;
let buildah: Buildah;
let docker: TestDockerConfig;
let tmp: TempDir;
let single: string;
let multi: string;
let other: string;
let schema2: string;

beforeAll(async () => {
  for (const tool of ['skopeo', 'buildah', 'busybox', 'sha256sum', 'tar', 'gzip']) requireTool(tool);
  registry = await startRegistry('plain');
  buildah = await Buildah.create();
  docker = await writeTestDockerConfig([]);
  tmp = await tempDir('breakglass-int');
  single = `${registry.host}/infra/runner:v1`;
  other = `${registry.host}/infra/runner:v2`;
  multi = `${registry.host}/infra/runner-multi:v1`;
  schema2 = `${registry.host}/infra/runner-schema2:v1`;
  await buildah.push(await buildah.buildImage('localhost/runner-one', 'one'), single);
  await buildah.push(await buildah.buildImage('localhost/runner-two', 'two'), other);
  await buildah.push('localhost/runner-one', schema2, 'docker');
  const amd = await buildah.buildImage('localhost/multi-amd64', 'multi amd64', 'amd64');
  const arm = await buildah.buildImage('localhost/multi-arm64', 'multi arm64', 'arm64');
  await buildah.pushIndex(
    'localhost/multi-list',
    [
      { image: amd, arch: 'amd64' },
      { image: arm, arch: 'arm64' },
    ],
    multi,
  );
}, 240_000);

afterAll(async () => {
  await registry?.stop();
  await buildah?.cleanup();
  await docker?.cleanup();
  await tmp?.cleanup();
});

async function freshDir(name: string): Promise<string> {
  const dir = path.join(tmp.path, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

function save(inputs: Record<string, string>) {
  const env: Record<string, string> = { DOCKER_CONFIG: docker.dir };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return runRecorded(run, env);
}

async function sha256sumCheck(dir: string, file: string): Promise<string> {
  return (await exec('sha256sum', ['-c', `${file}.sha256`], { cwd: dir })).stdout;
}

/** Config digest and layer digests of an image in the registry, as skopeo reads them. */
async function digests(reference: string) {
  const raw = await inspectRaw(reference);
  return { config: raw.config.digest, layers: raw.layers.map((l) => l.digest) };
}

async function diffIds(reference: string): Promise<string[]> {
  const config = JSON.parse(
    await skopeo('inspect', '--config', '--raw', '--tls-verify=false', `docker://${reference}`),
  ) as { rootfs: { diff_ids: string[] } };
  return config.rootfs.diff_ids;
}

describe('breakglass-save', () => {
  describe('when saving an image to two destinations', () => {
    let dirs: string[];
    let result: Awaited<ReturnType<typeof save>>;
    let archive: string;

    beforeAll(async () => {
      dirs = [await freshDir('two-a'), await freshDir('two-b')];
      result = await save({ image: single, destinations: dirs.join('\n') });
      archive = JSON.parse(result.outputs.archives ?? '[]')[0] as string;
    });

    it('sets the outputs and writes the same file, checksum and latest to both', async () => {
      expect(result.failed).toEqual([]);
      const original = await inspectRaw(single);
      const { stdout: digest } = await exec(requireTool('skopeo'), [
        'inspect',
        '--tls-verify=false',
        '--format',
        '{{.Digest}}',
        `docker://${single}`,
      ]);
      const fileName = `runner-${digest.trim().slice(7, 19)}.tar`;
      expect(original.layers).toHaveLength(2);
      expect(result.outputs.digest).toEqual(digest.trim());
      expect(JSON.parse(result.outputs.archives ?? '')).toEqual(dirs.map((d) => path.join(d, fileName)));
      for (const dir of dirs) {
        expect(await sha256sumCheck(dir, fileName)).toEqual(`${fileName}: OK\n`);
        expect(await readlink(path.join(dir, 'latest'))).toEqual(fileName);
        expect((await stat(path.join(dir, fileName))).size).toEqual(Number(result.outputs.bytes));
        const { stdout } = await exec('sha256sum', [fileName], { cwd: dir });
        expect(stdout).toEqual(`${result.outputs.sha256}  ${fileName}\n`);
      }
    });

    it('has a manifest.json and index.json with the structure of real docker save output', async () => {
      const fixture = (file: string) =>
        JSON.parse(
          readFileSyncText(fixturePath('docker-save', 'extracted', 'hello-world-v25', file)),
        ) as unknown;
      const { stdout: manifestJson } = await exec('tar', ['-xOf', archive, 'manifest.json']);
      const ours = JSON.parse(manifestJson) as { RepoTags: unknown }[];
      expect(ours[0]?.RepoTags).toEqual([single]);
      const withoutTags = (items: unknown) =>
        (items as Record<string, unknown>[]).map(({ RepoTags: _tags, ...rest }) => rest);
      expect(shapeOf(withoutTags(ours))).toEqual(shapeOf(withoutTags(fixture('manifest.json'))));
      const { stdout: indexJson } = await exec('tar', ['-xOf', archive, 'index.json']);
      expect(Object.keys(JSON.parse(indexJson) as object).sort()).toEqual(
        Object.keys(fixture('index.json') as object).sort(),
      );
      const { stdout: layout } = await exec('tar', ['-xOf', archive, 'oci-layout']);
      expect(JSON.parse(layout)).toEqual(fixture('oci-layout'));
    });

    it('restores with skopeo from oci-archive: with the same config and layer digests', async () => {
      const target = `${registry.host}/restored/oci:v1`;
      await skopeo('copy', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${target}`);
      expect(await digests(target)).toEqual(await digests(single));
    });

    it('restores with skopeo from docker-archive: into an empty registry with the same config and layer digests', async () => {
      // A registry of its own, so that skopeo cannot reuse the original layers from its blob-info cache:
      // it reads the layers from the archive, and they must come out with the same digests.
      const empty = await startRegistry('plain');
      try {
        const target = `${empty.host}/restored/docker:v1`;
        await skopeo('copy', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${target}`);
        expect(await diffIds(target)).toEqual(await diffIds(single));
        expect(await digests(target)).toEqual(await digests(single));
      } finally {
        await empty.stop();
      }
    });
  });

  describe('when the image has a Docker schema 2 manifest (as Kaniko pushes)', () => {
    it.each(['oci-archive', 'docker-archive'])(
      'restores with skopeo from %s: with the same digests',
      async (transport) => {
        const dir = await freshDir(`schema2-${transport}`);
        const result = await save({ image: schema2, destinations: dir });
        expect(result.failed).toEqual([]);
        expect((await inspectRaw(schema2)).mediaType).toEqual(
          'application/vnd.docker.distribution.manifest.v2+json',
        );
        const archive = JSON.parse(result.outputs.archives ?? '[]')[0] as string;
        const target = `${registry.host}/restored/schema2-${transport}:v1`;
        await skopeo('copy', '--dest-tls-verify=false', `${transport}:${archive}`, `docker://${target}`);
        expect(await digests(target)).toEqual(await digests(schema2));
      },
    );
  });

  describe('when compression is gzip', () => {
    let archive: string;
    beforeAll(async () => {
      const dir = await freshDir('gzip');
      const result = await save({ image: single, destinations: dir, compression: 'gzip' });
      expect(result.failed).toEqual([]);
      archive = JSON.parse(result.outputs.archives ?? '[]')[0] as string;
      expect(archive).toMatch(/\/runner-[0-9a-f]{12}\.tar\.gz$/);
      await exec('gzip', ['-t', archive]);
      expect(await sha256sumCheck(dir, path.basename(archive))).toEqual(`${path.basename(archive)}: OK\n`);
    });

    it('restores with skopeo from oci-archive: (which decompresses it)', async () => {
      const target = `${registry.host}/restored/gzip-oci:v1`;
      await skopeo('copy', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${target}`);
      expect(await digests(target)).toEqual(await digests(single));
    });

    it('restores with skopeo from docker-archive: once gunzipped (skopeo reads only plain tar there)', async () => {
      const plain = path.join(tmp.path, 'gunzipped.tar');
      await exec('sh', ['-c', 'gzip -dc "$1" > "$2"', 'sh', archive, plain]);
      const target = `${registry.host}/restored/gzip-docker:v1`;
      await skopeo('copy', '--dest-tls-verify=false', `docker-archive:${plain}`, `docker://${target}`);
      expect((await digests(target)).config).toEqual((await digests(single)).config);
    });
  });

  describe('when the image is an index', () => {
    it.each(['linux/amd64', 'linux/arm64'])(
      'saves the %s manifest, which restores as that platform',
      async (platform) => {
        const dir = await freshDir(`index-${platform.replace('/', '-')}`);
        const result = await save({ image: multi, destinations: dir, platform });
        expect(result.failed).toEqual([]);
        const index = await inspectRaw(multi);
        const child = index.manifests?.find(
          (m) => `${m.platform?.os}/${m.platform?.architecture}` === platform,
        );
        expect(result.outputs.digest).toEqual(child?.digest);
        const archive = JSON.parse(result.outputs.archives ?? '[]')[0] as string;
        const target = `${registry.host}/restored/index-${platform.split('/')[1]}:v1`;
        await skopeo('copy', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${target}`);
        expect(await digests(target)).toEqual(
          await digests(`${registry.host}/infra/runner-multi@${child?.digest}`),
        );
      },
    );
  });

  describe('when run several times with keep', () => {
    it('keeps the newest archives and latest on the last one', async () => {
      const dir = await freshDir('retention');
      const files: string[] = [];
      for (const [image, platform] of [
        [single, 'linux/amd64'],
        [other, 'linux/amd64'],
        [multi, 'linux/arm64'],
      ] as const) {
        const result = await save({ image, platform, destinations: dir, keep: '2', name: 'runner' });
        expect(result.failed).toEqual([]);
        files.push(path.basename(JSON.parse(result.outputs.archives ?? '[]')[0] as string));
      }
      expect((await readdir(dir)).sort()).toEqual(
        [files[1], `${files[1]}.sha256`, files[2], `${files[2]}.sha256`, 'latest'].sort(),
      );
      expect(await readlink(path.join(dir, 'latest'))).toEqual(files[2]);
    });
  });

  describe('when the writer is killed mid-way', () => {
    it('leaves no file under the final name and latest still valid', async () => {
      const dir = await freshDir('killed');
      const first = await save({ image: other, destinations: dir });
      const previous = path.basename(JSON.parse(first.outputs.archives ?? '[]')[0] as string);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(repoRoot, 'test/integration/breakglass/stalling-writer.ts'),
          registry.host,
          'infra/runner',
          'v1',
          dir,
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await Promise.race([
        new Promise<void>((resolve) =>
          child.stdout.on('data', (c: Buffer) => c.toString().includes('stalled') && resolve()),
        ),
        exited.then((code) => {
          throw new Error(`writer exited (${code}) before stalling: ${stderr}`);
        }),
      ]);
      const partials = (await readdir(dir)).filter((f) => f.endsWith('.partial'));
      expect(partials).toHaveLength(1);
      expect((await stat(path.join(dir, partials[0] as string))).size).toBeGreaterThan(256 * 1024);
      expect(child.kill('SIGKILL')).toBe(true);
      await exited;
      const left = (await readdir(dir)).filter((f) => !f.endsWith('.partial')).sort();
      expect(left).toEqual([previous, `${previous}.sha256`, 'latest'].sort());
      expect(await readlink(path.join(dir, 'latest'))).toEqual(previous);
      expect(await sha256sumCheck(dir, previous)).toEqual(`${previous}: OK\n`);
      const { stdout } = await exec('sha256sum', ['latest'], { cwd: dir });
      expect(stdout.split(' ')[0]).toEqual(first.outputs.sha256);
    });
  });

  describe('when a destination cannot be written', () => {
    it('fails it alone, writes the others and names it when the action fails', async () => {
      const good = await freshDir('good');
      const file = path.join(tmp.path, 'a-regular-file');
      await writeFile(file, 'not a directory');
      const underFile = path.join(file, 'archives');
      const missing = path.join(tmp.path, 'no-such-parent', 'archives');
      const result = await save({ image: single, destinations: [underFile, good, missing].join('\n') });
      expect(result.failed).toEqual([
        `2 of 3 destination(s) not written:\n${underFile}: is not a directory (or a parent is not) (ENOTDIR)\n` +
          `${missing}: does not exist (ENOENT)`,
      ]);
      const archives = JSON.parse(result.outputs.archives ?? '[]') as string[];
      expect(archives).toHaveLength(1);
      expect(path.dirname(archives[0] as string)).toEqual(good);
      expect(await sha256sumCheck(good, path.basename(archives[0] as string))).toContain(': OK');
    });
  });
});

function readFileSyncText(file: string): string {
  return readFileSync(file, 'utf8');
}
