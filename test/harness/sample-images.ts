import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  describeBytes,
  encodeManifest,
  MediaType,
  pushManifestWithBlobs,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type Platform,
  type Repository,
} from '@sovereign-ci/oci';
import { singleFileTar } from './oci-layout';

export interface SampleImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** Pushes a small single-platform OCI image (random layer content) and returns its descriptors. */
export async function pushSampleImage(
  repository: Repository,
  tag: string | undefined,
  options: { created?: string; platform?: Platform; layerBytes?: number } = {},
): Promise<SampleImage> {
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const layerBytes = gzipSync(singleFileTar('data.bin', randomBytes(options.layerBytes ?? 1024)));
  const layer = describeBytes(MediaType.ociLayerTarGzip, layerBytes);
  const configBytes = Buffer.from(
    JSON.stringify({
      created: options.created ?? new Date().toISOString(),
      architecture: platform.architecture,
      os: platform.os,
      rootfs: { type: 'layers', diff_ids: [] },
      config: {},
    }),
  );
  const config = describeBytes(MediaType.ociConfig, configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: [layer],
  };
  const pushed = await pushManifestWithBlobs(
    repository,
    [
      { descriptor: config, source: configBytes },
      { descriptor: layer, source: layerBytes },
    ],
    { mediaType: MediaType.ociManifest, bytes: encodeManifest(manifest) },
    tag,
  );
  return { manifest: pushed, config, layers: [layer] };
}

/** Pushes an index over one image per platform (children by digest first, then the index). */
export async function pushSampleIndex(
  repository: Repository,
  tag: string,
  platforms: Platform[] = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ],
  options: { created?: string } = {},
): Promise<{ index: Descriptor; children: SampleImage[] }> {
  const children: SampleImage[] = [];
  for (const platform of platforms)
    children.push(await pushSampleImage(repository, undefined, { platform, ...options }));
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: children.map((child, i) => ({ ...child.manifest, platform: platforms[i] as Platform })),
  };
  const pushed = await repository.manifests.push(MediaType.ociIndex, encodeManifest(index), tag);
  return { index: pushed, children };
}
