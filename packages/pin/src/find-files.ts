import { readdir } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** Files under `root` matching the globs (`!glob` excludes), relative `/`-separated paths, sorted. */
export async function findFiles(root: string, globs: readonly string[]): Promise<string[]> {
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const isIncluded = picomatch(include, { dot: true });
  const isExcluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(path.join(dir, entry.name), relPath);
      } else if (entry.isFile() && isIncluded(relPath) && !isExcluded(relPath)) {
        out.push(relPath);
      }
    }
  };
  await walk(root, '');
  return out.sort();
}
