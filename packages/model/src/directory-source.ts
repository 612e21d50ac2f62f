import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';
import type { ModelFile, ModelSource } from './types';

export interface DirectorySourceOptions {
  dir: string;
  logger?: Logger;
  /** Recorded as the manifest's revision annotation. */
  revision?: string;
  /** Recorded as the manifest's source annotation. */
  url?: string;
}

/** Folders that belong to tools, not to the model (`huggingface-cli download --local-dir` writes `.cache/huggingface`). */
const SKIPPED_DIRS = new Set(['.git', '.cache/huggingface']);

/**
 * Every regular file below `dir` (symbolic links to files are followed, as in a Hugging Face cache
 * snapshot; links to directories are not). `created` is the newest modification time, so the same
 * content gives the same manifest.
 */
export async function directorySource(options: DirectorySourceOptions): Promise<ModelSource> {
  const root = path.resolve(options.dir);
  const top = await stat(root).catch(() => undefined);
  if (!top?.isDirectory())
    throw new Error(`model directory ${options.dir} does not exist or is not a directory`);
  const files: ModelFile[] = [];
  let newest = 0;
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(root, relPath);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(relPath)) await walk(relPath);
        continue;
      }
      const info = entry.isSymbolicLink() ? await stat(abs).catch(() => undefined) : await lstat(abs);
      if (!info?.isFile()) {
        options.logger?.warning(`skipping ${relPath}: not a regular file`);
        continue;
      }
      newest = Math.max(newest, info.mtimeMs);
      files.push({
        path: relPath,
        size: info.size,
        // ctime too: a rewrite that keeps size and mtime (cp -p, rsync -t, touch -r) still changes it
        cacheKey: `${abs}\0${info.size}\0${info.mtimeMs}\0${info.ctimeMs}\0${info.ino}\0${info.dev}`,
        open: (signal) =>
          Promise.resolve(createReadStream(abs, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) })),
      });
    }
  };
  await walk('');
  return {
    kind: 'directory',
    name: path.basename(root),
    ...(options.url ? { url: options.url } : {}),
    ...(options.revision ? { revision: options.revision } : {}),
    ...(newest > 0 ? { created: new Date(Math.floor(newest / 1000) * 1000).toISOString() } : {}),
    files,
  };
}
