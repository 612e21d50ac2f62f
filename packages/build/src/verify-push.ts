import { GateError, mapLimit, textTable, type Logger } from '@sovereign-ci/action-kit';
import { registryOf } from './build-spec';

/** What verification needs from a registry client (adapter: registryClientStore). */
export interface PushedImageStore {
  /** The manifest digest `image:tag` resolves to; undefined when the tag does not exist. */
  resolve(image: string, tag: string): Promise<string | undefined>;
  /** Copies `sourceImage@digest` to `targetImage:tag` (manifest, children and blobs). */
  copy(sourceImage: string, digest: string, targetImage: string, tag: string): Promise<void>;
}

export type VerifyStatus = 'ok' | 'repaired' | 'wrong';

export interface VerifyRow {
  /** `registry/repository`. */
  image: string;
  registry: string;
  tag: string;
  expected: string;
  /** What the registry held at the first check (`missing` or `error: …` when it held nothing usable). */
  found: string;
  status: VerifyStatus;
  /** After a repair attempt: what the registry holds now. */
  foundAfterRepair?: string;
}

export interface VerifyOptions {
  /** Repositories without tags (`registry/repository`). */
  images: readonly string[];
  tags: readonly string[];
  digest: string;
  store: PushedImageStore;
  logger: Logger;
  /** Parallel registry requests (default 8). */
  concurrency?: number;
}

async function lookup(store: PushedImageStore, image: string, tag: string): Promise<string> {
  try {
    return (await store.resolve(image, tag)) ?? 'missing';
  } catch (error) {
    return `error: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * Resolves every image:tag concurrently; each must be `digest`. A copy that is missing or different is
 * repaired by copying from an image that has the digest, then checked again. Throws a GateError with a
 * table (registry, tag, expected, found) when any copy is still wrong. Returns every row otherwise.
 */
export async function verifyPushed(options: VerifyOptions): Promise<VerifyRow[]> {
  const { store, digest, logger } = options;
  const limit = options.concurrency ?? 8;
  const pairs = options.images.flatMap((image) => options.tags.map((tag) => ({ image, tag })));
  const rows: VerifyRow[] = await mapLimit(pairs, limit, async ({ image, tag }) => {
    const found = await lookup(store, image, tag);
    const row: VerifyRow = {
      image,
      registry: registryOf(image),
      tag,
      expected: digest,
      found,
      status: found === digest ? 'ok' : 'wrong',
    };
    return row;
  });

  const wrong = rows.filter((row) => row.status === 'wrong');
  if (wrong.length > 0) {
    const sources = [...new Set(rows.filter((row) => row.status === 'ok').map((row) => row.image))];
    await mapLimit(wrong, limit, async (row) => {
      const source = sources.find((image) => image !== row.image) ?? sources[0];
      if (source === undefined) return;
      logger.warning(
        `${row.image}:${row.tag} is ${row.found}, expected ${digest}: copying from ${source}@${digest}`,
      );
      try {
        await store.copy(source, digest, row.image, row.tag);
      } catch (error) {
        logger.warning(`copy to ${row.image}:${row.tag} failed: ${(error as Error).message.split('\n')[0]}`);
      }
      row.foundAfterRepair = await lookup(store, row.image, row.tag);
      if (row.foundAfterRepair === digest) row.status = 'repaired';
    });
  }

  const failed = rows.filter((row) => row.status === 'wrong');
  if (failed.length > 0) {
    const table = textTable(
      ['registry', 'tag', 'expected', 'found'],
      failed.map((row) => [row.image, row.tag, row.expected, row.foundAfterRepair ?? row.found]),
    );
    const hint = rows.some((row) => row.status !== 'wrong')
      ? ''
      : ' (no registry holds the built digest to copy from)';
    throw new GateError(
      `${failed.length} of ${rows.length} pushed tags do not resolve to ${digest}${hint}:\n${table}`,
    );
  }
  return rows;
}
