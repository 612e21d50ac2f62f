import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadActionMetadata, type ActionMetadata } from '../cli/action-metadata';

/** The README's inputs/outputs tables are generated from action.yml between these markers. */
export const beginMarker = (name: string) => `<!-- BEGIN GENERATED: ${name} -->`;
export const endMarker = (name: string) => `<!-- END GENERATED: ${name} -->`;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function renderReference(meta: ActionMetadata): string {
  const inputs = meta.inputs.map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``} | ${cell(input.description)} |`,
  );
  const outputs = meta.outputs.map(([name, description]) => `| \`${name}\` | ${cell(description)} |`);
  return [
    '| input | required | default | description |',
    '| --- | --- | --- | --- |',
    ...inputs,
    '',
    ...(outputs.length ? ['| output | description |', '| --- | --- |', ...outputs] : ['No outputs.']),
  ].join('\n');
}

export function loadAllActions(repoRoot: string): ActionMetadata[] {
  const dir = path.join(repoRoot, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => loadActionMetadata(path.join(dir, entry.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Replaces every generated block; throws when an action has no block in the README. */
export function updateReadme(readme: string, actions: ActionMetadata[]): string {
  let text = readme;
  for (const meta of actions) {
    const begin = beginMarker(meta.name);
    const end = endMarker(meta.name);
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from)
      throw new Error(`README.md has no generated block for ${meta.name}: add ${begin} … ${end}`);
    text = `${text.slice(0, from + begin.length)}\n${renderReference(meta)}\n${text.slice(to)}`;
  }
  return text;
}
