import { namesRegistry, parseReference, type ImageReference } from '@sovereign-ci/oci';

/** Where signatures go, like COSIGN_REPOSITORY: a full `host/path`, or a path on each image's own registry. */
export interface SignatureRepository {
  registry?: string;
  repository: string;
}

/**
 * Parses a signature repository: `harbor.lab/signatures/app` (a registry named: every image's
 * signatures go there) or `signatures/app` (the same path on each image's own registry). No tag, no
 * digest. Throws an Error saying what is wrong.
 */
export function parseSignatureRepository(value: string): SignatureRepository {
  const first = value.split('/')[0] ?? '';
  const withRegistry = value.includes('/') && namesRegistry(first);
  const ref = parseReference(withRegistry ? value : `registry.invalid/${value}`);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new Error(`'${value}' must be a repository, without a tag or digest`);
  }
  return withRegistry
    ? { registry: ref.registry, repository: ref.repository }
    : { repository: ref.repository };
}

/** The repository that holds the signatures of `image`. */
export function signatureRepositoryFor(
  image: Pick<ImageReference, 'registry' | 'repository'>,
  override: SignatureRepository | undefined,
): { registry: string; repository: string } {
  if (!override) return { registry: image.registry, repository: image.repository };
  return { registry: override.registry ?? image.registry, repository: override.repository };
}
