import type { Logger } from '@sovereign-ci/action-kit';
import { copyImage, parseReference, type RegistryClient } from '@sovereign-ci/oci';
import type { PushedImageStore } from './verify-push';

/** verifyPushed's store over the OCI client: HEAD (GET fallback) for resolve, copyImage for repairs. */
export function registryClientStore(client: RegistryClient, logger?: Logger): PushedImageStore {
  return {
    async resolve(image, tag) {
      const descriptor = await client.repositoryFor(parseReference(image)).manifests.exists(tag);
      return descriptor?.digest;
    },
    async copy(sourceImage, digest, targetImage, tag) {
      const source = { ...parseReference(sourceImage), digest };
      const target = { ...parseReference(targetImage), tag };
      await copyImage(client, source, target, logger ? { logger } : {});
    },
  };
}
