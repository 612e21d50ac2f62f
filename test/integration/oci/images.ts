import { gzipSync } from 'node:zlib';
import {
  describeBytes,
  encodeManifest,
  MediaType,
  type BlobToPush,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from '@sovereign-ci/oci';
import { sha256Digest, singleFileTar } from '../../harness/oci-layout';

export interface BuiltImage {
  blobs: BlobToPush[];
  manifest: ImageManifest;
  bytes: Buffer;
  descriptor: Descriptor;
}

/** A one-layer image built here, every digest computed by the harness's own sha256. */
export function buildImage(
  content: string,
  platform: Platform = { os: 'linux', architecture: 'amd64' },
): BuiltImage {
  const tar = singleFileTar('hello.txt', Buffer.from(content));
  const layerBytes = gzipSync(tar);
  const configBytes = Buffer.from(
    JSON.stringify({ ...platform, config: {}, rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } }),
  );
  const config = describeBytes(MediaType.ociConfig, configBytes);
  const layer = describeBytes(MediaType.ociLayerTarGzip, layerBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: [layer],
  };
  const bytes = encodeManifest(manifest);
  return {
    blobs: [
      { descriptor: config, source: configBytes },
      { descriptor: layer, source: layerBytes },
    ],
    manifest,
    bytes,
    descriptor: { ...describeBytes(MediaType.ociManifest, bytes), platform },
  };
}

export function buildIndex(children: BuiltImage[]): {
  index: ImageIndex;
  bytes: Buffer;
  descriptor: Descriptor;
} {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: children.map((c) => c.descriptor),
  };
  const bytes = encodeManifest(index);
  return { index, bytes, descriptor: describeBytes(MediaType.ociIndex, bytes) };
}
