import type { Repository } from '@sovereign-ci/oci';
import { manifestDigests } from './manifest-digests';
import type { RetentionFailure, RetentionProvider } from './retention';
import type { PackageVersion } from './retention-policy';

/** The Forgejo packages endpoints retention uses (the forge client satisfies it). */
export interface ForgejoPackagesApi {
  list(
    owner: string,
    options: { type: string },
  ): Promise<{ name: string; version: string; createdAt: string }[]>;
  delete(owner: string, type: string, name: string, version: string): Promise<void>;
}

/**
 * Forgejo's registry: versions come from the packages API (each tag and each untagged `sha256:` manifest
 * is a version), deletes go through it too; manifests are read from the registry to find index children.
 */
export function forgejoRetentionProvider(
  api: ForgejoPackagesApi,
  owner: string,
  repository: (packageName: string) => Repository,
): RetentionProvider {
  return {
    async listVersions(): Promise<PackageVersion[]> {
      const packages = await api.list(owner, { type: 'container' });
      return packages.map((p) => ({ package: p.name, version: p.version, created: new Date(p.createdAt) }));
    },
    digestsOf: (packageName, tag) => manifestDigests(repository(packageName), tag),
    async deleteVersions(packageName, versions) {
      const failed: RetentionFailure[] = [];
      for (const version of versions) {
        try {
          await api.delete(owner, 'container', packageName, version.version);
        } catch (error) {
          failed.push({
            package: packageName,
            version: version.version,
            error: String(error instanceof Error ? error.message : error),
          });
        }
      }
      return failed;
    },
  };
}
