#!/usr/bin/env node
// Builds one ncc bundle per action (actions/<name>/src/main.ts -> <out>/<name>/index.js) and the
// CLI (cli/main.ts -> <out>/cli/index.js). ESM output, source maps without embedded sources,
// a licences file, no minification. The output is deterministic: the same sources give the same
// bytes wherever the repository is checked out (no absolute paths, no timestamps).
//
//   node scripts/bundle.mjs [--out DIR] [--only name[,name…]] [--jobs N]
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);

/** Every bundle to build: [name, entry relative to the repository root], sorted by name. */
function entries() {
  const list = [];
  const actionsDir = path.join(root, 'actions');
  if (existsSync(actionsDir)) {
    for (const name of readdirSync(actionsDir).sort()) {
      const entry = path.join('actions', name, 'src', 'main.ts');
      if (existsSync(path.join(root, entry))) list.push([name, entry]);
    }
  }
  if (list.some(([name]) => name === 'cli')) throw new Error('an action may not be named "cli"');
  list.push(['cli', path.join('cli', 'main.ts')]);
  return list;
}

/** Builds one bundle in this process (a worker run by the parent, one per bundle). */
async function buildOne(name, entry, outDir) {
  process.chdir(root);
  const { default: ncc } = await import('@vercel/ncc');
  const { code, map, assets } = await ncc(path.join(root, entry), {
    cache: false,
    minify: false,
    quiet: true,
    sourceMap: true,
    sourceMapRegister: false,
    // Map sources relative to <out>/<name>/, i.e. to the repository root two levels up.
    sourceMapBasePrefix: '../../',
    license: 'licenses.txt',
    target: 'es2022',
    // Type checking is `npm run typecheck` (one tsc over the whole repository); without this
    // ncc would type-check every file tsconfig.json includes, once per bundle.
    transpileOnly: true,
  });
  // ncc turns an import it cannot resolve into a stub that throws at run time; fail here instead.
  const missing = [...new Set([...code.matchAll(/@@notfound\.js\?([^\s*]+)/g)].map((m) => m[1]))];
  if (missing.length > 0) throw new Error(`${entry}: cannot resolve ${missing.join(', ')}`);
  const dir = path.join(outDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let body = code;
  if (name === 'cli' && !body.startsWith('#!')) body = `#!/usr/bin/env node\n${body}`;
  // Explicit modes: the output must not depend on the umask.
  writeFileSync(path.join(dir, 'index.js'), body);
  chmodSync(path.join(dir, 'index.js'), name === 'cli' ? 0o755 : 0o644);
  if (map) {
    writeFileSync(path.join(dir, 'index.js.map'), slimMap(map));
    chmodSync(path.join(dir, 'index.js.map'), 0o644);
  }
  for (const [file, asset] of Object.entries(assets)) {
    if (file === 'index.js.map') continue;
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, asset.source);
    chmodSync(target, asset.permissions && asset.permissions & 0o111 ? 0o755 : 0o644);
  }
  assertPortable(dir, [root, path.resolve(outDir)]);
}

/** The source map without `sourcesContent`: the sources are in the repository, the bundle is not minified. */
function slimMap(map) {
  const parsed = JSON.parse(typeof map === 'string' ? map : map.toString());
  delete parsed.sourcesContent;
  parsed.sources = parsed.sources.map((source) => path.posix.normalize(source));
  return `${JSON.stringify(parsed)}\n`;
}

/** Fails when a bundle mentions the checkout or output directory: the output must not depend on them. */
function assertPortable(dir, needles) {
  for (const file of walk(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const needle of needles) {
      if (text.includes(needle)) {
        throw new Error(`${path.relative(root, file)} contains the absolute path ${needle}`);
      }
    }
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((file) => {
    const full = path.join(dir, file);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function runWorker(name, entry, outDir) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [self, '--worker', name, entry, outDir], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ name, ok: code === 0, stderr, ms: Date.now() - started }));
  });
}

function sizeOf(file) {
  return existsSync(file) ? statSync(file).size : 0;
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(0)} KiB`.padStart(10);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      jobs: { type: 'string' },
      worker: { type: 'boolean' },
    },
  });
  if (values.worker) {
    const [name, entry, outDir] = positionals;
    try {
      await buildOne(name, entry, outDir);
    } catch (error) {
      // ncc errors carry webpack stacks with whole minified lines: print the message only.
      const message = error instanceof Error ? error.message : String(error);
      const lines = [...new Set(message.split('\n'))].filter((line) => !line.includes('preferRelative'));
      process.stderr.write(`${lines.slice(0, 40).join('\n')}\n`);
      process.exitCode = 1;
    }
    return;
  }

  const outDir = path.resolve(values.out ?? path.join(root, 'dist'));
  const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : undefined;
  const all = entries();
  const todo = only ? all.filter(([name]) => only.has(name)) : all;
  if (only) {
    const unknown = [...only].filter((name) => !all.some(([n]) => n === name));
    if (unknown.length > 0) throw new Error(`unknown bundle(s): ${unknown.join(', ')}`);
  }
  const jobs = Math.max(1, Number(values.jobs ?? 2));
  mkdirSync(outDir, { recursive: true });

  const queue = [...todo];
  const results = [];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await runWorker(next[0], next[1], outDir);
        results.push(result);
        const status = result.ok ? 'ok    ' : 'FAILED';
        process.stdout.write(`${status} ${next[0]} (${(result.ms / 1000).toFixed(1)} s)\n`);
        if (!result.ok) process.stderr.write(result.stderr);
      }
    }),
  );

  if (!only) {
    // A bundle whose action is gone is stale: remove it.
    const wanted = new Set(all.map(([name]) => name));
    for (const dir of readdirSync(outDir)) {
      const full = path.join(outDir, dir);
      if (!wanted.has(dir) && statSync(full).isDirectory() && existsSync(path.join(full, 'index.js'))) {
        rmSync(full, { recursive: true, force: true });
        process.stdout.write(`removed stale bundle ${dir}\n`);
      }
    }
  }

  let total = 0;
  process.stdout.write(
    `\n${'bundle'.padEnd(22)}${'index.js'.padStart(10)}${'map'.padStart(10)}${'licences'.padStart(10)}\n`,
  );
  for (const [name] of todo) {
    const dir = path.join(outDir, name);
    const sizes = ['index.js', 'index.js.map', 'licenses.txt'].map((f) => sizeOf(path.join(dir, f)));
    total += sizes.reduce((a, b) => a + b, 0);
    process.stdout.write(`${name.padEnd(22)}${sizes.map(kib).join('')}\n`);
  }
  process.stdout.write(`${'total'.padEnd(22)}${kib(total)}\n`);

  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  if (failed.length > 0) {
    process.stderr.write(`bundle failed for: ${failed.sort().join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
