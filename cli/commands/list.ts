import path from 'node:path';
import { loadActionMetadata } from '../action-metadata';
import type { ActionMetadata } from '../action-metadata';
import { actionNames } from '../actions-dir';
import type { Command } from '../command';
import { parseOptions } from '../parse-options';

function describe(action: ActionMetadata, name: string): string {
  const lines = [`${name}  ${action.description}`];
  for (const [input, spec] of action.inputs) {
    const flags = spec.required
      ? 'required'
      : spec.default !== undefined
        ? `default: ${JSON.stringify(spec.default)}`
        : 'optional';
    lines.push(`  --with ${input}=…  (${flags})  ${spec.description.split('\n')[0] ?? ''}`.trimEnd());
  }
  return lines.join('\n');
}

export const listCommand: Command = {
  summary: 'list the actions with their descriptions and inputs',
  usage: 'sovereign-ci list [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { json: { type: 'boolean' } });
    const actions = actionNames(io.root).map((name) => ({
      name,
      metadata: loadActionMetadata(path.join(io.root, 'actions', name)),
    }));
    if (values.json) {
      const list = actions.map(({ name, metadata }) => ({
        name,
        description: metadata.description,
        inputs: Object.fromEntries(metadata.inputs),
        outputs: Object.fromEntries(metadata.outputs),
      }));
      io.out(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    if (actions.length === 0) io.err(`no actions found in ${path.join(io.root, 'actions')}\n`);
    io.out(actions.map(({ name, metadata }) => `${describe(metadata, name)}\n`).join('\n'));
    return 0;
  },
};
