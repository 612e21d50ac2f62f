import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fixturePath } from './fixtures';

/* Validation of HTTP requests and responses against Forgejo's own swagger (../shared/fixtures/forgejo). */

interface SwaggerParameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'header' | 'formData';
  required?: boolean;
  type?: string;
  enum?: unknown[];
  items?: { type?: string };
  minimum?: number;
  schema?: unknown;
}

interface SwaggerOperation {
  operationId: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, { $ref?: string; schema?: unknown }>;
}

type PathItem = Record<string, SwaggerOperation> & { parameters?: SwaggerParameter[] };

interface Swagger {
  paths: Record<string, PathItem>;
  definitions: Record<string, unknown>;
  responses: Record<string, { schema?: unknown }>;
}

export interface MatchedOperation {
  operationId: string;
  template: string;
  params: Record<string, string>;
  operation: SwaggerOperation;
  parameters: SwaggerParameter[];
}

interface Route {
  template: string;
  regex: RegExp;
  names: string[];
  literalLength: number;
  item: PathItem;
}

/** Makes every object schema reject properties it does not declare (what the real server would ignore, we refuse). */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node))
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closeObjects(s)]))
        : closeObjects(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

/** Rewrites `#/definitions/X` to the registered schema id. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === '$ref' && typeof v === 'string'
        ? v.replace('#/definitions/', 'forgejo#/definitions/')
        : rebase(v);
  }
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export class ForgejoSwagger {
  readonly spec: Swagger;
  private readonly routes: Route[];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file = fixturePath('forgejo', 'v1.rendered.json')) {
    this.spec = JSON.parse(readFileSync(file, 'utf8')) as Swagger;
    this.routes = Object.entries(this.spec.paths).map(([template, item]) => {
      const names: string[] = [];
      const pattern = template.replace(/[.]/g, '\\.').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return name === 'filepath' ? '(.+)' : '([^/]+)';
      });
      return {
        template,
        regex: new RegExp(`^${pattern}$`),
        names,
        literalLength: template.replace(/\{[^}]+\}/g, '').length,
        item,
      };
    });
    this.routes.sort((a, b) => b.literalLength - a.literalLength);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    for (const f of ['int64', 'int32', 'float', 'double']) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: 'forgejo', definitions: rebase(closeObjects(this.spec.definitions)) });
  }

  /** The operation for a method and a path below `/api/v1`, or an error text. */
  match(method: string, apiPath: string): MatchedOperation | string {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(apiPath);
      if (!m) continue;
      pathMatched = true;
      const operation = route.item[method.toLowerCase()];
      if (!operation || method.toLowerCase() === 'parameters') continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      return {
        operationId: operation.operationId,
        template: route.template,
        params,
        operation,
        parameters: [...(route.item.parameters ?? []), ...(operation.parameters ?? [])],
      };
    }
    return pathMatched ? `${method} is not defined for ${apiPath}` : `no swagger path matches ${apiPath}`;
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(rebase(closeObjects(schema)) as object);
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Every way the request breaks the operation's contract (empty when it conforms). */
  validateRequest(
    op: MatchedOperation,
    query: URLSearchParams,
    body: string,
    contentType: string | undefined,
  ): string[] {
    const errors: string[] = [];
    const checkType = (p: SwaggerParameter, value: string): void => {
      const type = p.type === 'array' ? p.items?.type : p.type;
      if (type === 'integer' && !/^-?\d+$/.test(value))
        errors.push(`${p.in} parameter ${p.name}=${value} is not an integer`);
      if (type === 'boolean' && value !== 'true' && value !== 'false')
        errors.push(`${p.in} parameter ${p.name}=${value} is not a boolean`);
      if (p.enum && !p.enum.includes(value))
        errors.push(`${p.in} parameter ${p.name}=${value} is not one of ${p.enum.join(', ')}`);
      if (p.minimum !== undefined && Number(value) < p.minimum)
        errors.push(`${p.in} parameter ${p.name}=${value} is below ${p.minimum}`);
    };
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      const value = op.params[p.name];
      if (value === undefined || value === '') errors.push(`path parameter ${p.name} is missing`);
      else checkType(p, value);
    }
    const queryParams = op.parameters.filter((x) => x.in === 'query');
    for (const key of new Set(query.keys())) {
      const p = queryParams.find((x) => x.name === key);
      if (!p) errors.push(`query parameter ${key} is not defined for ${op.operationId}`);
      else for (const value of query.getAll(key)) checkType(p, value);
    }
    for (const p of queryParams)
      if (p.required && !query.has(p.name)) errors.push(`required query parameter ${p.name} is missing`);
    const bodyParam = op.parameters.find((x) => x.in === 'body');
    if (!bodyParam) {
      if (body !== '') errors.push(`${op.operationId} takes no body`);
      return errors;
    }
    if (body === '') {
      if (bodyParam.required) errors.push(`${op.operationId} requires a JSON body`);
      return errors;
    }
    if (!contentType?.startsWith('application/json'))
      errors.push(`body content-type is ${contentType ?? 'missing'}, not application/json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      errors.push('body is not JSON');
      return errors;
    }
    const v = this.validator(`req:${op.operationId}`, bodyParam.schema);
    if (!v(parsed))
      for (const e of v.errors ?? [])
        errors.push(`body${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return errors;
  }

  /** Every way a response body breaks the swagger (the fake checks its own answers with this). */
  validateResponse(op: MatchedOperation, status: number, body: unknown): string[] {
    const declared = op.operation.responses[String(status)];
    if (!declared) return [`${op.operationId} declares no ${status} response`];
    const ref = declared.$ref?.replace('#/responses/', '');
    const schema = ref ? this.spec.responses[ref]?.schema : declared.schema;
    if (!schema) return body === undefined ? [] : [`${op.operationId} ${status} has no body in the swagger`];
    const v = this.validator(`res:${op.operationId}:${status}`, schema);
    return v(body)
      ? []
      : (v.errors ?? []).map(
          (e) => `response${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
        );
  }
}
