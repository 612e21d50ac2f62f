import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DigestCache } from './types';

/** A digest cache kept in a JSON file (read at start, written back with `save()`). */
export interface FileDigestCache extends DigestCache {
  save(): Promise<void>;
}

const MAX_ENTRIES = 100_000;

export async function fileDigestCache(file: string): Promise<FileDigestCache> {
  let entries: Record<string, string> = {};
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      entries = parsed as Record<string, string>;
  } catch {
    // missing or unreadable: start empty
  }
  let dirty = false;
  return {
    get: (key) => {
      const v = entries[key];
      return typeof v === 'string' && /^sha256:[0-9a-f]{64}$/.test(v) ? v : undefined;
    },
    set: (key, digest) => {
      if (entries[key] === digest) return;
      entries[key] = digest;
      dirty = true;
    },
    save: async () => {
      if (!dirty) return;
      const keys = Object.keys(entries);
      if (keys.length > MAX_ENTRIES)
        for (const k of keys.slice(0, keys.length - MAX_ENTRIES)) delete entries[k];
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(entries));
      await rename(temp, file);
      dirty = false;
    },
  };
}

/** An in-memory cache (tests, one-off runs). */
export function memoryDigestCache(): DigestCache {
  const map = new Map<string, string>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
}
