import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import type { TestRegistry } from '../../harness/registry';
import { tempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';

const exec = promisify(execFile);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Blob {
  mediaType: string;
  digest: string;
  size: number;
}

async function putBlob(dir: string, bytes: Buffer, mediaType: string): Promise<Blob> {
  const hex = sha(bytes);
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(path.join(dir, 'blobs', 'sha256', hex), bytes);
  return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
}

async function imageManifest(
  dir: string,
  platform: string,
  seed: string,
): Promise<Blob & { platform: object }> {
  const [os, architecture, variant] = platform.split('/');
  const layer = Buffer.alloc(1024); // an empty tar archive
  const layerBlob = await putBlob(dir, layer, 'application/vnd.oci.image.layer.v1.tar');
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os,
      ...(variant ? { variant } : {}),
      created: '2026-01-01T00:00:00Z',
      config: { Labels: { seed } },
      rootfs: { type: 'layers', diff_ids: [layerBlob.digest] },
    }),
  );
  const configBlob = await putBlob(dir, config, 'application/vnd.oci.image.config.v1+json');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: configBlob,
      layers: [layerBlob],
    }),
  );
  const blob = await putBlob(dir, manifest, 'application/vnd.oci.image.manifest.v1+json');
  return { ...blob, platform: { os, architecture, ...(variant ? { variant } : {}) } };
}

/**
 * Pushes an image (one platform) or an index (several) built as an OCI layout on disk, with skopeo
 * (an independent client). `seed` makes the digests differ between pushes.
 */
export async function pushTestImage(
  reg: TestRegistry,
  repoTag: string,
  platforms: string[],
  seed: string,
): Promise<void> {
  const tmp = await tempDir('repin-layout');
  try {
    let top: Blob;
    if (platforms.length === 1) {
      top = await imageManifest(tmp.path, platforms[0] ?? 'linux/amd64', seed);
    } else {
      const manifests = [];
      for (const p of platforms) manifests.push(await imageManifest(tmp.path, p, seed));
      const index = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
      );
      top = await putBlob(tmp.path, index, 'application/vnd.oci.image.index.v1+json');
    }
    await writeFile(path.join(tmp.path, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(
      path.join(tmp.path, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': 'x' } }],
      }),
    );
    await skopeo([
      'copy',
      '--all',
      '--preserve-digests',
      ...skopeoFlags(reg, 'dest'),
      `oci:${tmp.path}:x`,
      `docker://${reg.host}/${repoTag}`,
    ]);
  } finally {
    await tmp.cleanup();
  }
}

/** `skopeo inspect --raw docker://… | sha256sum`: the digest of what the registry serves for a tag. */
export async function servedDigest(reg: TestRegistry, repoTag: string): Promise<string> {
  const flags = skopeoFlags(reg, 'plain').join(' ');
  const { stdout } = await exec('sh', [
    '-c',
    `"${requireTool('skopeo')}" inspect --raw ${flags} "docker://${reg.host}/${repoTag}" | "${requireTool('sha256sum')}"`,
  ]);
  return `sha256:${stdout.split(' ')[0] ?? ''}`;
}

/** The raw manifest (index) a tag serves, through skopeo. */
export async function servedManifest(
  reg: TestRegistry,
  repoTag: string,
): Promise<{ manifests?: { digest: string; platform?: { architecture: string } }[] }> {
  const { stdout } = await skopeo([
    'inspect',
    '--raw',
    ...skopeoFlags(reg, 'plain'),
    `docker://${reg.host}/${repoTag}`,
  ]);
  return JSON.parse(stdout) as { manifests?: { digest: string; platform?: { architecture: string } }[] };
}
