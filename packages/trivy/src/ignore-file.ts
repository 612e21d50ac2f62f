import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { parsePurl, type PackageUrl } from './purl';

/** One entry of an ignore file (pkg/result/ignore.go `IgnoreFinding`). */
export interface IgnoreEntry {
  id: string;
  /** Globs (doublestar syntax) matched against the result's target and the package path. */
  paths?: string[];
  purls?: string[];
  /** Midnight UTC of `exp:` / `expired_at`; the entry stops ignoring from then on. */
  expiredAt?: Date;
  statement?: string;
  /** `file:line`, for messages. */
  source: string;
}

/** A compiled entry: globs and purls parsed once. */
export interface IgnoreRule extends IgnoreEntry {
  matchPath(candidate: string): boolean;
  parsedPurls: PackageUrl[];
}

export interface IgnoreRules {
  file: string;
  /** Entries in force. */
  active: IgnoreRule[];
  /** Entries past their expiry date: they ignore nothing and are listed. */
  expired: IgnoreRule[];
}

export class IgnoreFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IgnoreFileError';
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;

/** `YYYY-MM-DD` as midnight UTC (Go's time.Parse("2006-01-02")), or an RFC 3339 timestamp (YAML). */
export function parseExpiry(text: string, allowTimestamp: boolean): Date | undefined {
  const date = DATE.exec(text);
  if (date) {
    const [, y, m, d] = date;
    const value = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return value.getUTCDate() === Number(d) && value.getUTCMonth() === Number(m) - 1 ? value : undefined;
  }
  if (allowTimestamp && TIMESTAMP.test(text)) {
    const value = new Date(text.replace(' ', 'T'));
    return Number.isNaN(value.getTime()) ? undefined : value;
  }
  return undefined;
}

/** `.trivyignore`: one ID per line, `#` comments, an optional `exp:YYYY-MM-DD` field; other fields ignored. */
export function parsePlainIgnore(text: string, file: string): IgnoreEntry[] {
  const entries: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const entry: IgnoreEntry = { id: fields[0]!, source: `${file}:${index + 1}` };
    // No finding ID ends in ':' or is '-': such a file is a .trivyignore.yaml under a plain name, which
    // would otherwise ignore nothing without a word.
    if (entry.id.endsWith(':') || entry.id === '-')
      throw new IgnoreFileError(`${entry.source}: this is YAML; name the file .trivyignore.yaml (or .yml)`);
    const exp = fields.slice(1).find((f) => f.startsWith('exp:'));
    if (exp !== undefined) {
      const date = parseExpiry(exp.slice(4), false);
      if (!date) throw new IgnoreFileError(`${entry.source}: '${exp}' is not exp:YYYY-MM-DD`);
      entry.expiredAt = date;
    }
    entries.push(entry);
  });
  return entries;
}

/** `.trivyignore.yaml`: the `vulnerabilities` list (`id`, `paths`, `purls`, `expired_at`, `statement`). */
export function parseYamlIgnore(text: string, file: string): IgnoreEntry[] {
  const doc = parseDocument(text, { schema: 'core', prettyErrors: false });
  if (doc.errors.length > 0) throw new IgnoreFileError(`${file}: not valid YAML: ${doc.errors[0]!.message}`);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root))
    throw new IgnoreFileError(`${file}: expected a mapping with 'vulnerabilities', 'misconfigurations', …`);
  const list = root.get('vulnerabilities', true) as Node | undefined;
  if (list === undefined || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) throw new IgnoreFileError(`${file}: 'vulnerabilities' must be a list`);
  const lineOf = (node: Node | undefined) => {
    const offset = node?.range?.[0] ?? 0;
    return text.slice(0, offset).split('\n').length;
  };
  return list.items.map((item, index) => {
    const where = `${file}:${lineOf(item as Node)}`;
    if (!isMap(item)) throw new IgnoreFileError(`${where}: vulnerabilities[${index}] must be a mapping`);
    const value = item.toJSON() as Record<string, unknown>;
    const scalar = (key: string) => {
      const v = value[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'object') throw new IgnoreFileError(`${where}: '${key}' must be a single value`);
      return String(v);
    };
    const strings = (key: string) => {
      const v = value[key];
      if (v === undefined || v === null) return undefined;
      if (!Array.isArray(v) || v.some((s) => typeof s === 'object' && s !== null)) {
        throw new IgnoreFileError(`${where}: '${key}' must be a list of strings`);
      }
      return v.map(String);
    };
    const id = scalar('id');
    if (!id) throw new IgnoreFileError(`${where}: vulnerabilities[${index}] has no 'id'`);
    const entry: IgnoreEntry = { id, source: where };
    const paths = strings('paths');
    if (paths) entry.paths = paths;
    const purls = strings('purls');
    if (purls) {
      for (const purl of purls) {
        try {
          parsePurl(purl);
        } catch (error) {
          throw new IgnoreFileError(`${where}: ${(error as Error).message}`);
        }
      }
      entry.purls = purls;
    }
    const expired = scalar('expired_at');
    if (expired !== undefined) {
      const date = parseExpiry(expired, true);
      if (!date) throw new IgnoreFileError(`${where}: expired_at '${expired}' is not a date (YYYY-MM-DD)`);
      entry.expiredAt = date;
    }
    const statement = scalar('statement');
    if (statement !== undefined) entry.statement = statement;
    return entry;
  });
}

function compile(entry: IgnoreEntry): IgnoreRule {
  // doublestar (Trivy's matcher) has no special case for dot files, so neither do we.
  const matchers = (entry.paths ?? []).map((glob) => picomatch(glob, { dot: true }));
  return {
    ...entry,
    matchPath: (candidate) => matchers.length === 0 || matchers.some((m) => m(candidate)),
    parsedPurls: (entry.purls ?? []).map(parsePurl),
  };
}

/** Splits entries into those in force at `now` and those expired (expiry strictly before `now`, as Trivy). */
export function compileIgnoreRules(entries: readonly IgnoreEntry[], file: string, now: Date): IgnoreRules {
  const rules: IgnoreRules = { file, active: [], expired: [] };
  for (const entry of entries) {
    const rule = compile(entry);
    if (entry.expiredAt && entry.expiredAt.getTime() < now.getTime()) rules.expired.push(rule);
    else rules.active.push(rule);
  }
  return rules;
}

/** Reads an ignore file: `.yaml`/`.yml` as `.trivyignore.yaml`, anything else as `.trivyignore`. */
export async function readIgnoreFile(file: string, now: Date): Promise<IgnoreRules> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new IgnoreFileError(`cannot read the ignore file ${file}${code ? ` (${code})` : ''}`, {
      cause: error,
    });
  }
  const ext = path.extname(file).toLowerCase();
  const entries =
    ext === '.yaml' || ext === '.yml' ? parseYamlIgnore(text, file) : parsePlainIgnore(text, file);
  return compileIgnoreRules(entries, file, now);
}
