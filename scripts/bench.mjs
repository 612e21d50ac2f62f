#!/usr/bin/env node
// npm run bench -- <name> [args…]: runs bench/<name>.ts with tsx. Lists the benches otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const available = existsSync(benchDir)
  ? readdirSync(benchDir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
      .sort()
  : [];

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  if (name !== undefined) console.error(`bench: no bench named "${name}"`);
  console.error('usage: npm run bench -- <name> [args…]');
  console.error(`available: ${available.length > 0 ? available.join(', ') : '(none yet)'}`);
  process.exit(name === undefined ? 0 : 2);
}

const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', `${name}.ts`), ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
