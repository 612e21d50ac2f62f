import type { Repository } from '@sovereign-ci/oci';

/** The digest `reference` resolves to and, for an index, the digests of its children. */
export async function manifestDigests(repository: Repository, reference: string): Promise<string[]> {
  const { descriptor, manifest } = await repository.manifests.fetch(reference);
  const children = 'manifests' in manifest ? manifest.manifests.map((child) => child.digest) : [];
  return [descriptor.digest, ...children];
}
