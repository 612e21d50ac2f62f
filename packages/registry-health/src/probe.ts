import { mapLimit, type Logger } from '@sovereign-ci/action-kit';
import {
  isIndexMediaType,
  RegistryError,
  type Descriptor,
  type ImageManifest,
  type Repository,
} from '@sovereign-ci/oci';
import type { RegistryAccess } from './registry-access';

export type BrokenKind =
  | 'tags-unreadable'
  | 'manifest-unreadable'
  | 'digest-mismatch'
  | 'missing-child'
  | 'missing-blob'
  | 'blob-unreadable';

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
  /** Repositories to walk; the catalog when absent (an empty list walks nothing). */
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
  const names = options.repositories ?? (await access.catalog(options.registry));
  const checked: ProbeCounts = { repositories: names.length, tags: 0, manifests: 0, blobs: 0 };
  const broken: BrokenReference[] = [];

  const walks = await mapLimit(names, options.concurrency, async (name) => {
    const repository = access.repository(options.registry, name);
    try {
      return { name, repository, tags: await repository.listTags(), memo: new Map() as Memo };
    } catch (error) {
      broken.push({ repository: name, tag: '', kind: 'tags-unreadable', detail: message(error) });
      return { name, repository, tags: [] as string[], memo: new Map() as Memo };
    }
  });
  const work = walks.flatMap((walk) => walk.tags.map((tag) => ({ walk, tag })));
  checked.tags = work.length;
  // Tags of every repository share one concurrency budget: most repositories have only a few tags.
  await mapLimit(work, options.concurrency, async ({ walk, tag }) => {
    const found = await probeTag(walk.repository, tag, options, walk.memo, checked);
    broken.push(...found.map((entry) => ({ repository: walk.name, tag, ...entry })));
  });
  const order = (b: BrokenReference): string => `${b.repository}:${b.tag}:${b.digest ?? ''}`;
  broken.sort((a, b) => order(a).localeCompare(order(b)));
  return { registry: options.registry, checked, broken };
}

type Finding = Omit<BrokenReference, 'repository' | 'tag'>;
/**
 * Findings by what was checked (`manifest:`, `child:`, `blob:` + digest) in one repository: each digest is
 * checked once, and every tag that reaches a broken one reports it.
 */
type Memo = Map<string, Promise<Finding[]>>;

function once(memo: Memo, key: string, check: () => Promise<Finding[]>): Promise<Finding[]> {
  let found = memo.get(key);
  if (!found) {
    found = check();
    memo.set(key, found);
  }
  return found;
}

/** One check after the other (the concurrency budget is spent on tags, not within one). */
async function inTurn<T>(items: readonly T[], check: (item: T) => Promise<Finding[]>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const item of items) findings.push(...(await check(item)));
  return findings;
}

async function probeTag(
  repository: Repository,
  tag: string,
  options: ProbeOptions,
  memo: Memo,
  checked: ProbeCounts,
): Promise<Finding[]> {
  let fetched;
  try {
    // One GET per tag: the client checks the bytes against the digest the registry announces.
    fetched = await repository.manifests.fetch(tag);
    checked.manifests++;
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'DIGEST_MISMATCH') {
      const announced = await repository.manifests.resolve(tag).catch(() => undefined);
      return [{ kind: 'digest-mismatch', digest: announced?.digest, detail: message(error) }];
    }
    return [{ kind: 'manifest-unreadable', detail: message(error) }];
  }
  const manifest = fetched.manifest;
  return once(memo, `manifest:${fetched.descriptor.digest}`, () =>
    'manifests' in manifest
      ? inTurn(manifest.manifests, (child) =>
          once(memo, `child:${child.digest}`, () => {
            checked.manifests++;
            return probeChild(repository, child, options.blobs, memo, checked);
          }),
        )
      : options.blobs
        ? probeBlobs(repository, manifest, memo, checked)
        : Promise.resolve([]),
  );
}

/** HEADs an index child and, with `blobs`, fetches it (digest checked) and HEADs its blobs. Never throws. */
async function probeChild(
  repository: Repository,
  child: Descriptor,
  blobs: boolean,
  memo: Memo,
  checked: ProbeCounts,
): Promise<Finding[]> {
  const { digest } = child;
  try {
    if (!(await repository.manifests.exists(digest)))
      return [{ kind: 'missing-child', digest, detail: describeChild(child) }];
    if (!blobs || isIndexMediaType(child.mediaType)) return [];
    const childManifest = (await repository.manifests.fetch(digest)).manifest as ImageManifest;
    return await probeBlobs(repository, childManifest, memo, checked);
  } catch (error) {
    const mismatch = error instanceof RegistryError && error.code === 'DIGEST_MISMATCH';
    const kind: BrokenKind = mismatch ? 'digest-mismatch' : 'manifest-unreadable';
    return [{ kind, digest, detail: `${describeChild(child)}: ${message(error)}` }];
  }
}

async function probeBlobs(
  repository: Repository,
  manifest: ImageManifest,
  memo: Memo,
  checked: ProbeCounts,
): Promise<Finding[]> {
  const blobs = [manifest.config, ...(manifest.layers ?? [])].filter((b): b is Descriptor => !!b?.digest);
  return inTurn(blobs, (blob) =>
    once(memo, `blob:${blob.digest}`, async () => {
      checked.blobs++;
      try {
        if (await repository.blobs.exists(blob.digest)) return [];
        return [{ kind: 'missing-blob', digest: blob.digest, detail: blob.mediaType }];
      } catch (error) {
        return [{ kind: 'blob-unreadable', digest: blob.digest, detail: message(error) }];
      }
    }),
  );
}

function describeChild(child: Descriptor): string {
  const platform = child.platform ? ` (${child.platform.os}/${child.platform.architecture})` : '';
  return `index child ${child.mediaType}${platform}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
