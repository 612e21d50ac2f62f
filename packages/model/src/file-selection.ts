import picomatch from 'picomatch';
import type { ModelFile } from './types';
import { checkModelPaths } from './model-path';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(value: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

/** Normalises and checks every path, then keeps the files `include` matches and `exclude` does not. */
export function selectFiles(
  files: readonly ModelFile[],
  include: readonly string[],
  exclude: readonly string[],
): ModelFile[] {
  const normal = checkModelPaths(files.map((f) => f.path));
  const opts = { dot: true };
  const inc = include.length ? picomatch([...include], opts) : () => true;
  const exc = exclude.length ? picomatch([...exclude], opts) : () => false;
  return files
    .map((f, i) => ({ ...f, path: normal[i] as string }))
    .filter((f) => inc(f.path) && !exc(f.path))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The files of one shard. Deterministic for a given listing: files by size (largest first, then path)
 * each go to the shard with the fewest bytes so far, so shards carry similar bandwidth.
 */
export function shardFiles(files: readonly ModelFile[], shard: Shard): ModelFile[] {
  const load = new Array<number>(shard.count).fill(0);
  const order = [...files].sort(
    (a, b) => b.size - a.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const mine = new Set<string>();
  for (const f of order) {
    let best = 0;
    for (let i = 1; i < shard.count; i++) if ((load[i] as number) < (load[best] as number)) best = i;
    load[best] = (load[best] as number) + f.size;
    if (best === shard.index - 1) mine.add(f.path);
  }
  return files.filter((f) => mine.has(f.path));
}
