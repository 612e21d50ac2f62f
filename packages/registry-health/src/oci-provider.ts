import { mapLimit, type Logger } from '@sovereign-ci/action-kit';
import { selectPlatform, type ImageManifest, type Repository } from '@sovereign-ci/oci';
import { manifestDigests } from './manifest-digests';
import type { RetentionFailure, RetentionProvider } from './retention';
import { isDigestVersion, type Decision, type PackageVersion } from './retention-policy';

/**
 * A plain registry: tags ordered by their image config's `created`, deletes by manifest digest (the
 * distribution API has no tag delete), and only digests that no kept tag shares.
 */
export function ociRetentionProvider(
  repositories: Repository[],
  options: { concurrency: number; logger: Logger },
): RetentionProvider {
  const byName = new Map(repositories.map((repository) => [repository.name, repository]));
  const digests = new Map<string, string[]>();
  const key = (name: string, tag: string) => `${name}:${tag}`;

  const cachedDigests = async (name: string, tag: string) => {
    const cached = digests.get(key(name, tag));
    if (cached) return cached;
    const found = await manifestDigests(byName.get(name) as Repository, tag);
    digests.set(key(name, tag), found);
    return found;
  };

  return {
    async listVersions() {
      const versions: PackageVersion[] = [];
      for (const repository of repositories) {
        const tags = await repository.listTags();
        const dated = await mapLimit(tags, options.concurrency, async (tag) => ({
          package: repository.name,
          version: tag,
          created: await createdOf(repository, tag),
        }));
        versions.push(...dated);
      }
      return versions;
    },
    digestsOf: cachedDigests,
    async retainShared(deleted, kept) {
      const keptDigests = new Set<string>();
      for (const tag of kept) {
        if (isDigestVersion(tag.version)) keptDigests.add(`${tag.package}@${tag.version}`);
        else
          for (const digest of await cachedDigests(tag.package, tag.version))
            keptDigests.add(`${tag.package}@${digest}`);
      }
      const stays = async (d: Decision) => {
        const [digest] = await cachedDigests(d.package, d.version);
        return keptDigests.has(`${d.package}@${digest}`);
      };
      const retained: Decision[] = [];
      const remaining: Decision[] = [];
      for (const decision of deleted) {
        if (await stays(decision)) retained.push({ ...decision, action: 'keep', reason: 'shares-digest' });
        else remaining.push(decision);
      }
      return { deleted: remaining, kept: [...kept, ...retained] };
    },
    async deleteVersions(name, versions) {
      const repository = byName.get(name) as Repository;
      const failed: RetentionFailure[] = [];
      const deletedDigests = new Set<string>();
      for (const version of versions) {
        try {
          const [digest] = await cachedDigests(name, version.version);
          if (digest !== undefined && !deletedDigests.has(digest)) await repository.manifests.delete(digest);
          if (digest !== undefined) deletedDigests.add(digest);
        } catch (error) {
          failed.push({
            package: name,
            version: version.version,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return failed;
    },
  };
}

/** The `created` time from the image config; for an index, that of its linux/amd64 (or first) child. */
async function createdOf(repository: Repository, tag: string): Promise<Date> {
  const { manifest } = await repository.manifests.fetch(tag);
  let image: ImageManifest;
  if ('manifests' in manifest) {
    let child;
    try {
      child = selectPlatform(manifest, 'linux/amd64');
    } catch {
      child = manifest.manifests[0];
    }
    if (!child) return new Date(0);
    image = (await repository.manifests.fetch(child.digest)).manifest as ImageManifest;
  } else {
    image = manifest;
  }
  const config = JSON.parse(
    (await repository.blobs.fetchBytes(image.config, 1024 * 1024)).toString('utf8'),
  ) as {
    created?: string;
  };
  const created = config.created ? new Date(config.created) : new Date(0);
  return Number.isNaN(created.getTime()) ? new Date(0) : created;
}
