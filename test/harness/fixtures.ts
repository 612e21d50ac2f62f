import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Path inside the shared third-party fixtures (../shared/fixtures beside the repository). */
export function fixturePath(...parts: string[]): string {
  const base = process.env.SOVEREIGN_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');
  if (!existsSync(base)) throw new Error(`shared fixtures not found at ${base}; set SOVEREIGN_FIXTURES`);
  return path.join(base, ...parts);
}
export { repoRoot };
