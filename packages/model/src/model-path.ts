import path from 'node:path';

/** A file name from a model source that cannot be written safely (absolute, `..`, NUL, duplicate). */
export class ModelPathError extends Error {
  constructor(
    readonly filePath: string,
    reason: string,
  ) {
    super(`unsafe file path ${JSON.stringify(filePath)} in the model: ${reason}`);
    this.name = 'ModelPathError';
  }
}

/**
 * The normal form of a relative file path: forward slashes, NFC, no `.` segments, no empty segments.
 * Throws a ModelPathError for anything that could escape the model's directory.
 */
export function normalizeModelPath(raw: string): string {
  if (raw === '') throw new ModelPathError(raw, 'the path is empty');
  if (raw.includes('\0')) throw new ModelPathError(raw, 'it contains a NUL byte');
  if (raw.includes('\\')) throw new ModelPathError(raw, 'it contains a backslash');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw new ModelPathError(raw, 'it is absolute');
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new ModelPathError(raw, 'it contains a control character');
  const segments = raw.normalize('NFC').split('/');
  if (segments.includes('..')) throw new ModelPathError(raw, "it contains a '..' segment");
  const kept = segments.filter((s) => s !== '' && s !== '.');
  if (kept.length === 0) throw new ModelPathError(raw, 'it names no file');
  const normal = path.posix.join(...kept);
  return normal;
}

/**
 * Normalises every path and refuses duplicates after normalisation (also case-insensitive ones,
 * which would collide on macOS and Windows checkouts), and a file that is also another file's folder
 * (`a` and `a/b`: the tree cannot hold both).
 */
export function checkModelPaths(paths: readonly string[]): string[] {
  const seen = new Map<string, string>();
  const normals = paths.map((raw) => {
    const normal = normalizeModelPath(raw);
    const key = normal.toLowerCase();
    const before = seen.get(key);
    if (before !== undefined) {
      throw new ModelPathError(raw, `it is the same file as ${JSON.stringify(before)} after normalisation`);
    }
    seen.set(key, raw);
    return normal;
  });
  normals.forEach((normal, i) => {
    const parts = normal.toLowerCase().split('/');
    for (let n = 1; n < parts.length; n++) {
      const file = seen.get(parts.slice(0, n).join('/'));
      if (file !== undefined)
        throw new ModelPathError(paths[i] as string, `its folder is the file ${JSON.stringify(file)}`);
    }
  });
  return normals;
}
