import { lstat, readdir, readlink, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Leftovers of a writer killed mid-way are removed once they are this old (a live writer is never that slow). */
export const STALE_PARTIAL_MS = 24 * 60 * 60 * 1000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches this name's archives only: `<name>-<12 hex>.tar` or `.tar.gz`. */
export function archivePattern(name: string): RegExp {
  return new RegExp(`^${escapeRegExp(name)}-[0-9a-f]{12}\\.tar(\\.gz)?$`);
}

function partialPattern(name: string): RegExp {
  // The archive's temp file, or its `.sha256`'s.
  return new RegExp(
    `^\\.${escapeRegExp(name)}-[0-9a-f]{12}\\.tar(\\.gz)?(\\.sha256)?\\.[0-9]+-[0-9a-f]{8}\\.partial$`,
  );
}

async function latestTarget(directory: string): Promise<string | undefined> {
  try {
    return path.basename(await readlink(path.join(directory, 'latest')));
  } catch {
    return undefined;
  }
}

export interface RetentionResult {
  kept: string[];
  removed: string[];
}

/**
 * Keeps the `keep` newest archives of `name` in `directory` (by modification time) and removes the older
 * ones with their `.sha256` files, never the one `latest` points at. Archives of other names are not
 * touched. Also removes this name's temp files left by a killed writer once they are a day old.
 */
export async function applyRetention(
  directory: string,
  name: string,
  keep: number,
  now: number = Date.now(),
): Promise<RetentionResult> {
  const pattern = archivePattern(name);
  const partial = partialPattern(name);
  const entries = await readdir(directory);
  const archives: { file: string; mtimeMs: number }[] = [];
  for (const file of entries) {
    const isArchive = pattern.test(file);
    if (!isArchive && !partial.test(file)) continue;
    const info = await lstat(path.join(directory, file)).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (isArchive) archives.push({ file, mtimeMs: info.mtimeMs });
    else if (now - info.mtimeMs > STALE_PARTIAL_MS)
      await unlink(path.join(directory, file)).catch(() => undefined);
  }
  archives.sort((a, b) => b.mtimeMs - a.mtimeMs || b.file.localeCompare(a.file));
  const latest = await latestTarget(directory);
  const kept: string[] = [];
  const removed: string[] = [];
  archives.forEach(({ file }, i) => (i < keep || file === latest ? kept : removed).push(file));
  for (const file of removed) {
    await unlink(path.join(directory, file));
    await unlink(path.join(directory, `${file}.sha256`)).catch(() => undefined);
  }
  return { kept, removed };
}
