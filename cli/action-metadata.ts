import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { UsageError } from './errors';

export interface ActionInput {
  description: string;
  required: boolean;
  /** The default exactly as written in action.yml (may hold a `${{ … }}` expression). */
  default?: string;
}

export interface ActionRuns {
  using: string;
  main: string;
  post?: string;
  postIf?: string;
}

/** What the CLI needs from an action.yml. */
export interface ActionMetadata {
  /** Directory holding action.yml; `runs.main` is relative to it. */
  dir: string;
  name: string;
  description: string;
  /** In action.yml order. */
  inputs: Array<[string, ActionInput]>;
  outputs: Array<[string, string]>;
  runs: ActionRuns;
}

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads `<dir>/action.yml` (or action.yaml). Scalars stay strings, as a runner reads them. */
export function loadActionMetadata(dir: string): ActionMetadata {
  const file = ['action.yml', 'action.yaml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new UsageError(`no action.yml in ${dir}`);
  // The failsafe schema keeps every scalar a string: `default: 1.0` stays "1.0" as on a runner.
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'), { schema: 'failsafe' });
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isMap(doc)) throw new UsageError(`${file} is not a YAML mapping`);
  const runs = isMap(doc.runs) ? doc.runs : {};
  const inputs = isMap(doc.inputs) ? doc.inputs : {};
  const outputs = isMap(doc.outputs) ? doc.outputs : {};
  const main = text(runs.main);
  if (main === '') throw new UsageError(`${file} has no runs.main`);
  return {
    dir,
    name: text(doc.name) || path.basename(dir),
    description: text(doc.description).trim(),
    inputs: Object.entries(inputs).map(([name, spec]) => {
      const s = isMap(spec) ? spec : {};
      const input: ActionInput = {
        description: text(s.description).trim(),
        required: text(s.required) === 'true',
      };
      if (typeof s.default === 'string') input.default = s.default;
      return [name, input];
    }),
    outputs: Object.entries(outputs).map(([name, spec]) => [
      name,
      text(isMap(spec) ? spec.description : '').trim(),
    ]),
    runs: {
      using: text(runs.using),
      main,
      ...(text(runs.post) ? { post: text(runs.post) } : {}),
      ...(text(runs['post-if']) ? { postIf: text(runs['post-if']) } : {}),
    },
  };
}
