import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles a measured program into one ESM file for plain `node`, the way a runner runs an action's
 * bundle: no TypeScript loader in the process, so its time and peak RSS are the program's own.
 * `source` is a file to bundle, or TypeScript text.
 */
export async function bundleForPlainNode(
  source: { file: string } | { contents: string },
  outDir: string,
): Promise<string> {
  const outfile = path.join(outDir, 'measured.mjs');
  await build({
    ...('file' in source
      ? { entryPoints: [source.file] }
      : {
          stdin: {
            contents: source.contents,
            resolveDir: repoRoot,
            loader: 'ts' as const,
            sourcefile: 'measured.ts',
          },
        }),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}
