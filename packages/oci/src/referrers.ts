import type { Descriptor, ImageIndex, Manifest } from './types';
import { referrersTag } from './digest';
import { MediaType } from './media-types';
import { RegistryError } from './registry-error';
import type { RemoteRepository } from './repository';
import { encodeManifest } from './push';

/**
 * Pushes a manifest that has a `subject` and makes it findable: through the referrers API when the
 * registry has one, else by adding it to the `sha256-<hex>` tag index (the OCI fallback schema).
 * Its blobs must already be pushed. Returns the manifest's descriptor.
 */
export async function pushReferrer(
  repo: RemoteRepository,
  mediaType: string,
  bytes: Buffer,
): Promise<Descriptor> {
  const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  const subject = manifest.subject;
  if (!subject) throw new Error('pushReferrer: the manifest has no subject');
  const pushed = await repo.manifests.push(mediaType, bytes);
  const descriptor: Descriptor = { ...pushed };
  const artifactType =
    manifest.artifactType ?? ('config' in manifest ? manifest.config.mediaType : undefined);
  if (artifactType) descriptor.artifactType = artifactType;
  if (manifest.annotations) descriptor.annotations = manifest.annotations;
  if (await repo.referrersApi(subject.digest)) return descriptor;

  const tag = referrersTag(subject.digest);
  let index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  if (await repo.manifests.exists(tag)) {
    const existing = await repo.manifests.fetch(tag);
    if (!('manifests' in existing.manifest)) {
      throw new RegistryError(
        `${repo.registry}/${repo.name}:${tag} exists and is not an index; not overwriting it`,
        {
          code: 'INVALID_MANIFEST',
        },
      );
    }
    index = existing.manifest;
  }
  if (!index.manifests.some((d) => d.digest === descriptor.digest)) {
    index = { ...index, manifests: [...index.manifests, descriptor] };
    await repo.manifests.push(MediaType.ociIndex, encodeManifest(index), tag);
  }
  return descriptor;
}
