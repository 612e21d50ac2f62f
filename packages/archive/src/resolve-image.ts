import {
  isIndexMediaType,
  selectPlatform,
  type BlobStore,
  type ImageIndex,
  type ImageManifest,
  type ManifestStore,
} from '@sovereign-ci/oci';
import type { ImageConfigSummary, ResolvedImage } from './archive-layout';

/** The registry reads an archive needs: a Repository of `@sovereign-ci/oci` fits. */
export interface ImageSource {
  manifests: Pick<ManifestStore, 'fetch'>;
  blobs: Pick<BlobStore, 'fetch' | 'fetchBytes'>;
}

export interface ImageName {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/**
 * Reads the manifest (selecting `platform` from an index) and the config of `name`. Layers are not read
 * here: they are streamed once into the archive.
 */
export async function resolveImage(
  source: ImageSource,
  name: ImageName,
  platform: string,
): Promise<ResolvedImage> {
  const reference = name.digest ?? name.tag ?? 'latest';
  let fetched = await source.manifests.fetch(reference);
  let indexDigest: string | undefined;
  if (isIndexMediaType(fetched.descriptor.mediaType)) {
    indexDigest = fetched.descriptor.digest;
    const chosen = selectPlatform(fetched.manifest as ImageIndex, platform);
    fetched = await source.manifests.fetch(chosen.digest);
    if (isIndexMediaType(fetched.descriptor.mediaType)) {
      throw new Error(
        `${chosen.digest} (platform ${platform} of ${indexDigest}) is an index, not an image manifest`,
      );
    }
  }
  const manifest = fetched.manifest as ImageManifest;
  if (!manifest.config || !Array.isArray(manifest.layers)) {
    throw new Error(`${fetched.descriptor.digest} is not an image manifest (no config or layers)`);
  }
  const configBytes = await source.blobs.fetchBytes(manifest.config, MAX_CONFIG_BYTES);
  let parsed: ImageConfigSummary;
  try {
    parsed = JSON.parse(configBytes.toString('utf8')) as ImageConfigSummary;
  } catch (error) {
    throw new Error(`config ${manifest.config.digest} is not JSON`, { cause: error });
  }
  const image: ResolvedImage = {
    name: { registry: name.registry, repository: name.repository, ...(name.tag ? { tag: name.tag } : {}) },
    manifest: { descriptor: fetched.descriptor, bytes: fetched.bytes, parsed: manifest },
    config: { descriptor: manifest.config, bytes: configBytes, parsed },
  };
  if (indexDigest) image.indexDigest = indexDigest;
  return image;
}
