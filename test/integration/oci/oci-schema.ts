import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fixturePath } from '../../harness/fixtures';

const BASE = 'https://schemas.test/oci/';
type Json = Record<string, unknown>;

/** Draft-04 `id` → nothing (the file's own $id is set from its name); `$schema` dropped. */
function strip(node: unknown, top: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => strip(n, false));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$schema') continue;
    if (key === 'id' && typeof value === 'string' && !top) continue;
    if (key === 'id' && top) continue;
    out[key] = strip(value, false);
  }
  return out;
}

let ajv: Ajv | undefined;

function load(): Ajv {
  if (ajv) return ajv;
  const instance = new Ajv({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
  addFormats(instance);
  const dir = fixturePath('oci', 'image-spec', 'schema');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const schema = strip(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), true) as Json;
    instance.addSchema({ ...schema, $id: `${BASE}${file}` });
  }
  ajv = instance;
  return instance;
}

/** Validates a document against an OCI image-spec schema; returns the error list ([] = valid). */
export function ociSchemaErrors(
  schemaFile:
    | 'image-manifest-schema.json'
    | 'image-index-schema.json'
    | 'config-schema.json'
    | 'content-descriptor.json',
  document: unknown,
): string[] {
  const validate = load().getSchema(`${BASE}${schemaFile}`) as ValidateFunction;
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
