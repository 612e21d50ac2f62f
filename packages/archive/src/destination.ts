import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, symlink, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** An archive being written into one destination directory. */
export interface OpenDestination {
  directory: string;
  fileName: string;
  tempPath: string;
  finalPath: string;
  handle: FileHandle;
}

/** A destination that failed, with the reason people will read. */
export class DestinationError extends Error {
  readonly code = 'DESTINATION';
  constructor(
    readonly destination: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`destination ${destination}: ${message}`, options);
    this.name = 'DestinationError';
  }
}

function reason(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const byCode: Record<string, string> = {
    ENOENT: 'does not exist',
    ENOTDIR: 'is not a directory (or a parent is not)',
    EACCES: 'is not writable (permission denied)',
    EPERM: 'is not writable (operation not permitted)',
    EROFS: 'is on a read-only file system',
    ENOSPC: 'has no space left',
    EDQUOT: 'is over its disk quota',
  };
  const known = err?.code ? byCode[err.code] : undefined;
  return known ? `${known} (${err.code})` : err instanceof Error ? err.message : String(error);
}

/** The error of a destination whose file could not be written mid-way (full, quota, I/O error). */
export function writeFailed(directory: string, error: unknown): DestinationError {
  return new DestinationError(directory, `could not be written: ${reason(error)}`, { cause: error });
}

/**
 * Drops repeated directories (`/a` and `/a/`, or a symlink and its target) keeping the first spelling:
 * two writers in one directory would race on the same names. A directory that cannot be resolved (it
 * is missing) is compared by its path and left to fail on its own.
 */
export async function uniqueDestinations(directories: string[]): Promise<string[]> {
  const keys = await Promise.all(
    directories.map((d) => realpath(path.resolve(d)).catch(() => path.resolve(d))),
  );
  const seen = new Set<string>();
  return directories.filter((_, i) => {
    const key = keys[i] as string;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Temp names start with a dot and end in `.partial`: never mistaken for an archive, by us or by people. */
export function tempName(fileName: string): string {
  return `.${fileName}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
}

/** Opens a new temp file for the archive in `directory`; the directory must exist (it is not created). */
export async function openDestination(directory: string, fileName: string): Promise<OpenDestination> {
  try {
    const info = await stat(directory);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    const tempPath = path.join(directory, tempName(fileName));
    const handle = await open(tempPath, 'wx', 0o644);
    return { directory, fileName, tempPath, finalPath: path.join(directory, fileName), handle };
  } catch (error) {
    throw new DestinationError(directory, reason(error), { cause: error });
  }
}

/** Flushes the temp file to stable storage and closes it. */
export async function finishWrite(dest: OpenDestination): Promise<void> {
  try {
    await dest.handle.sync();
    await dest.handle.close();
  } catch (error) {
    throw new DestinationError(dest.directory, `could not be flushed: ${reason(error)}`, { cause: error });
  }
}

/** Closes and removes the temp file; never throws (it runs on the failure path). */
export async function discard(dest: OpenDestination): Promise<void> {
  await dest.handle.close().catch(() => undefined);
  await unlink(dest.tempPath).catch(() => undefined);
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the renames durable; some file systems refuse fsync on a directory, which is not an error here.
  const handle = await open(directory, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

async function writeFileAtomically(directory: string, fileName: string, content: string): Promise<void> {
  const temp = path.join(directory, tempName(fileName));
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path.join(directory, fileName)).catch(async (error: unknown) => {
    await unlink(temp).catch(() => undefined);
    throw error;
  });
}

/** Replaces the `latest` symlink atomically: a new link under a temp name, renamed over the old one. */
export async function pointLatest(directory: string, fileName: string): Promise<void> {
  const temp = path.join(directory, tempName('latest'));
  await symlink(fileName, temp);
  await rename(temp, path.join(directory, 'latest')).catch(async (error: unknown) => {
    await unlink(temp).catch(() => undefined);
    throw error;
  });
}

/** `sha256sum` format: `<hex>  <file name>` (two spaces: text mode), so `sha256sum -c` works in place. */
export function checksumLine(sha256: string, fileName: string): string {
  return `${sha256}  ${fileName}\n`;
}

/**
 * Puts the verified temp file under its final name, then writes `<file>.sha256` and moves `latest`.
 * Each step is a rename, so a crash leaves either the old or the new state of each name.
 */
export async function publish(dest: OpenDestination, sha256: string): Promise<void> {
  try {
    await rename(dest.tempPath, dest.finalPath);
    await writeFileAtomically(dest.directory, `${dest.fileName}.sha256`, checksumLine(sha256, dest.fileName));
    await pointLatest(dest.directory, dest.fileName);
    await syncDirectory(dest.directory);
  } catch (error) {
    await unlink(dest.tempPath).catch(() => undefined);
    throw new DestinationError(dest.directory, `could not publish ${dest.fileName}: ${reason(error)}`, {
      cause: error,
    });
  }
}
