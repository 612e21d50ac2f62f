import type { ImageReference } from '@sovereign-ci/oci';

/**
 * The `docker-reference` cosign writes: go-containerregistry's `Repository.Name()`, so Docker Hub is
 * `index.docker.io/library/x` and other registries are `host[:port]/path`.
 */
export function cosignIdentity(ref: Pick<ImageReference, 'registry' | 'repository'>): string {
  const registry = ref.registry === 'docker.io' ? 'index.docker.io' : ref.registry;
  return `${registry}/${ref.repository}`;
}
