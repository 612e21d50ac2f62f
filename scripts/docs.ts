import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAllActions, updateReadme } from './readme-reference';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'README.md');
const before = readFileSync(file, 'utf8');
const after = updateReadme(before, loadAllActions(root));
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'README.md is up to date' : 'README.md updated from action.yml files');
