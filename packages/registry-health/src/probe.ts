import { mapLimit, type Logger } from '@sovereign-ci/action-kit';
import {
  digestOf,
  isIndexMediaType,
  RegistryError,
  type Descriptor,
  type ImageManifest,
  type Repository,
} from '@sovereign-ci/oci';
import type { RegistryAccess } from './registry-access';

export type BrokenKind =
  'tags-unreadable' | 'manifest-unreadable' | 'digest-mismatch' | 'missing-child' | 'missing-blob';

export interface BrokenReference {
  repository: string;
  tag: string;
  /** The digest that is missing or wrong. */
  digest?: string;
  kind: BrokenKind;
  detail: string;
}

export interface ProbeCounts {
  repositories: number;
  tags: number;
  manifests: number;
  blobs: number;
}

export interface ProbeReport {
  registry: string;
  checked: ProbeCounts;
  broken: BrokenReference[];
}

export interface ProbeOptions {
  registry: string;
  /** Repositories to walk; the catalog when empty. */
  repositories?: string[];
  blobs: boolean;
  concurrency: number;
  logger: Logger;
}

/**
 * Walks every repository and tag: GETs each manifest and checks its digest, HEADs every child of an index
 * and, with `blobs`, every config and layer blob. Each digest is checked once per repository.
 */
export async function probeRegistry(access: RegistryAccess, options: ProbeOptions): Promise<ProbeReport> {
  const names = options.repositories?.length ? options.repositories : await access.catalog(options.registry);
  const checked: ProbeCounts = { repositories: names.length, tags: 0, manifests: 0, blobs: 0 };
  const broken: BrokenReference[] = [];

  const walks = await mapLimit(names, options.concurrency, async (name) => {
    const repository = access.repository(options.registry, name);
    try {
      return { name, repository, tags: await repository.listTags(), seen: new Set<string>() };
    } catch (error) {
      broken.push({ repository: name, tag: '', kind: 'tags-unreadable', detail: message(error) });
      return { name, repository, tags: [] as string[], seen: new Set<string>() };
    }
  });
  const work = walks.flatMap((walk) => walk.tags.map((tag) => ({ walk, tag })));
  checked.tags = work.length;
  // Tags of every repository share one concurrency budget: most repositories have only a few tags.
  await mapLimit(work, options.concurrency, async ({ walk, tag }) => {
    const found = await probeTag(walk.repository, tag, options, walk.seen, checked);
    broken.push(...found.map((entry) => ({ repository: walk.name, tag, ...entry })));
  });
  broken.sort((a, b) => `${a.repository}:${a.tag}`.localeCompare(`${b.repository}:${b.tag}`));
  return { registry: options.registry, checked, broken };
}

type Finding = Omit<BrokenReference, 'repository' | 'tag'>;

async function probeTag(
  repository: Repository,
  tag: string,
  options: ProbeOptions,
  seen: Set<string>,
  checked: ProbeCounts,
): Promise<Finding[]> {
  let fetched;
  try {
    // One GET per tag: the client checks the bytes against the digest the registry announces.
    fetched = await repository.manifests.fetch(tag);
    checked.manifests++;
    const actual = digestOf(fetched.bytes);
    if (actual !== fetched.descriptor.digest) {
      return [
        { kind: 'digest-mismatch', digest: fetched.descriptor.digest, detail: `content hashes to ${actual}` },
      ];
    }
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'DIGEST_MISMATCH') {
      const announced = await repository.manifests.resolve(tag).catch(() => undefined);
      return [{ kind: 'digest-mismatch', digest: announced?.digest, detail: message(error) }];
    }
    return [{ kind: 'manifest-unreadable', detail: message(error) }];
  }
  if (seen.has(fetched.descriptor.digest)) return [];
  seen.add(fetched.descriptor.digest);

  const manifest = fetched.manifest;
  if ('manifests' in manifest) {
    const findings: Finding[] = [];
    for (const child of manifest.manifests) {
      if (seen.has(child.digest)) continue;
      seen.add(child.digest);
      checked.manifests++;
      const present = await exists(() => repository.manifests.exists(child.digest));
      if (!present) {
        findings.push({ kind: 'missing-child', digest: child.digest, detail: describeChild(child) });
      } else if (options.blobs && !isIndexMediaType(child.mediaType)) {
        const childManifest = (await repository.manifests.fetch(child.digest)).manifest as ImageManifest;
        findings.push(...(await probeBlobs(repository, childManifest, seen, checked)));
      }
    }
    return findings;
  }
  return options.blobs ? probeBlobs(repository, manifest, seen, checked) : [];
}

async function probeBlobs(
  repository: Repository,
  manifest: ImageManifest,
  seen: Set<string>,
  checked: ProbeCounts,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const blob of [manifest.config, ...manifest.layers]) {
    if (seen.has(blob.digest)) continue;
    seen.add(blob.digest);
    checked.blobs++;
    if (!(await exists(() => repository.blobs.exists(blob.digest)))) {
      findings.push({ kind: 'missing-blob', digest: blob.digest, detail: blob.mediaType });
    }
  }
  return findings;
}

async function exists(check: () => Promise<Descriptor | undefined>): Promise<boolean> {
  return (await check()) !== undefined;
}

function describeChild(child: Descriptor): string {
  const platform = child.platform ? ` (${child.platform.os}/${child.platform.architecture})` : '';
  return `index child ${child.mediaType}${platform}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
