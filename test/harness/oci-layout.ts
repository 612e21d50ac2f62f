import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BlobDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface TinyImage {
  /** The OCI image layout directory. */
  layoutDir: string;
  tag: string;
  /** `oci:<layoutDir>:<tag>`, a skopeo image reference. */
  skopeoRef: string;
  manifest: Buffer;
  manifestDigest: string;
  config: BlobDescriptor;
  layer: BlobDescriptor;
  /** Every blob of the layout by digest (config, layer, manifest). */
  blobs: Map<string, Buffer>;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A one-file ustar archive (hello.txt), written by hand so the bytes are fully known. */
export function singleFileTar(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value.slice(0, length), offset, 'ascii');
  };
  const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

/**
 * A tiny single-platform OCI image (one gzip layer holding hello.txt) written as an OCI image
 * layout in `dir`, with all digests computed here with sha256.
 */
export async function writeTinyOciLayout(
  dir: string,
  options: { tag?: string; content?: string } = {},
): Promise<TinyImage> {
  const tag = options.tag ?? 'v1';
  const rawTar = singleFileTar(
    'hello.txt',
    Buffer.from(options.content ?? `hello from sovereign-ci ${Date.now()}\n`),
  );
  const layerBytes = gzipSync(rawTar);
  const layer: BlobDescriptor = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: sha256Digest(layerBytes),
    size: layerBytes.length,
  };
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256Digest(rawTar)] },
    }),
  );
  const config: BlobDescriptor = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: sha256Digest(configBytes),
    size: configBytes.length,
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers: [layer],
    }),
  );
  const manifestDigest = sha256Digest(manifest);
  const blobs = new Map<string, Buffer>([
    [config.digest, configBytes],
    [layer.digest, layerBytes],
    [manifestDigest, manifest],
  ]);
  const blobDir = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobDir, { recursive: true });
  for (const [digest, bytes] of blobs)
    await writeFile(path.join(blobDir, digest.slice('sha256:'.length)), bytes);
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return {
    layoutDir: dir,
    tag,
    skopeoRef: `oci:${dir}:${tag}`,
    manifest,
    manifestDigest,
    config,
    layer,
    blobs,
  };
}
