import { mapLimit, type Logger } from '@sovereign-ci/action-kit';
import {
  decideAttached,
  selectTags,
  type Decision,
  type PackageVersion,
  type RetentionPolicy,
} from './retention-policy';

/** Where versions live and how they go away: Forgejo's packages API or a plain OCI registry. */
export interface RetentionProvider {
  listVersions(): Promise<PackageVersion[]>;
  /** The manifest digest a tag points at plus, for an index, every child digest. */
  digestsOf(packageName: string, tag: string): Promise<string[]>;
  /**
   * Moves planned deletes the provider cannot carry out without touching a kept version (a plain registry
   * deletes manifests, so a tag sharing a kept tag's digest stays). Runs in dry-run too.
   */
  retainShared?(deleted: Decision[], kept: Decision[]): Promise<{ deleted: Decision[]; kept: Decision[] }>;
  /** Deletes the versions decided for one package; returns the ones that failed with why. */
  deleteVersions(packageName: string, versions: Decision[]): Promise<RetentionFailure[]>;
}

export interface RetentionFailure {
  package: string;
  version: string;
  error: string;
}

export interface RetentionResult {
  kept: Decision[];
  deleted: Decision[];
  failed: RetentionFailure[];
  dryRun: boolean;
}

export async function applyRetention(
  provider: RetentionProvider,
  policy: RetentionPolicy,
  options: { dryRun: boolean; concurrency: number; logger: Logger },
): Promise<RetentionResult> {
  const versions = await provider.listVersions();
  const tagDecisions = selectTags(versions, policy);
  const keptTags = tagDecisions.filter((d) => d.action === 'keep');

  const keptDigests = new Map<string, Set<string> | undefined>();
  for (const name of new Set(versions.map((v) => v.package))) keptDigests.set(name, new Set());
  await mapLimit(keptTags, options.concurrency, async (tag) => {
    try {
      const digests = await provider.digestsOf(tag.package, tag.version);
      const set = keptDigests.get(tag.package);
      for (const digest of digests) set?.add(digest);
    } catch (error) {
      options.logger.warning(
        `cannot read ${tag.package}:${tag.version} (${error instanceof Error ? error.message : String(error)}); keeping every untagged version of ${tag.package}`,
      );
      keptDigests.set(tag.package, undefined);
    }
  });

  const decisions = [...tagDecisions, ...decideAttached(versions, policy, keptDigests)];
  let kept = decisions.filter((d) => d.action === 'keep');
  let deleted = decisions.filter((d) => d.action === 'delete');
  if (provider.retainShared) ({ deleted, kept } = await provider.retainShared(deleted, kept));
  const failed: RetentionFailure[] = [];
  if (!options.dryRun) {
    for (const name of new Set(deleted.map((d) => d.package))) {
      failed.push(
        ...(await provider.deleteVersions(
          name,
          deleted.filter((d) => d.package === name),
        )),
      );
    }
  }
  const failedKeys = new Set(failed.map((f) => `${f.package}\u0000${f.version}`));
  return {
    kept,
    deleted: deleted.filter((d) => !failedKeys.has(`${d.package}\u0000${d.version}`)),
    failed,
    dryRun: options.dryRun,
  };
}
