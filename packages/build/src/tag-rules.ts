/**
 * Tag rules in docker/metadata-action's syntax (`type=semver,pattern={{version}}`), parsed and
 * ordered the way metadata-action does it: CSV fields, `key=value` split at the first `=`, a bare
 * field is the value of a `type=raw` rule, rules sorted by priority (highest first, stable).
 */
export type TagRuleType = 'schedule' | 'semver' | 'match' | 'edge' | 'ref' | 'raw' | 'sha';

export interface TagRule {
  type: TagRuleType;
  /** Every attribute after defaults were applied (`enable`, `priority`, `prefix`, …). */
  attrs: Record<string, string>;
  /** The rule as written. */
  source: string;
}

export class TagRuleError extends Error {
  constructor(
    readonly rule: string,
    reason: string,
  ) {
    super(`invalid tag rule '${rule}': ${reason}`);
    this.name = 'TagRuleError';
  }
}

export const DEFAULT_PRIORITIES: Readonly<Record<TagRuleType, number>> = {
  schedule: 1000,
  semver: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

/** The rules used when the `tags` input is empty: sha, branch, tag, semver and `latest` on the default branch. */
export const DEFAULT_TAG_RULES: readonly string[] = [
  'type=sha',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=semver,pattern={{version}}',
  'type=raw,value=latest,enable={{is_default_branch}}',
];

const COMMON = ['enable', 'priority', 'prefix', 'suffix'];
const ALLOWED: Record<TagRuleType, string[]> = {
  schedule: [...COMMON, 'pattern'],
  semver: [...COMMON, 'pattern', 'value', 'match'],
  match: [...COMMON, 'pattern', 'group', 'value'],
  edge: [...COMMON, 'branch'],
  ref: [...COMMON, 'event'],
  raw: [...COMMON, 'value'],
  sha: [...COMMON, 'format'],
};

/** Splits one CSV record (double quotes group, `""` is a quote), as csv-parse does for metadata-action. */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"' && current.trim() === '') {
      quoted = true;
      current = '';
    } else if (char === ',') {
      fields.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) throw new TagRuleError(line, 'unterminated quote');
  fields.push(current);
  return fields;
}

function isType(value: string): value is TagRuleType {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PRIORITIES, value);
}

function setDefault(attrs: Record<string, string>, key: string, value: string): void {
  if (!Object.prototype.hasOwnProperty.call(attrs, key)) attrs[key] = value;
}

export function parseTagRule(source: string): TagRule {
  const fail = (reason: string): never => {
    throw new TagRuleError(source, reason);
  };
  const attrs: Record<string, string> = {};
  let type: TagRuleType = 'raw';
  for (const field of splitCsv(source)) {
    if (field.trim() === '') continue;
    const equals = field.indexOf('=');
    if (equals < 0) {
      attrs.value = field.trim();
      continue;
    }
    const key = field.slice(0, equals).trim().toLowerCase();
    const value = field.slice(equals + 1).trim();
    if (key === 'type') {
      if (!isType(value))
        fail(`unknown type '${value}' (one of ${Object.keys(DEFAULT_PRIORITIES).join(', ')})`);
      type = value as TagRuleType;
    } else attrs[key] = value;
  }
  for (const key of Object.keys(attrs)) {
    if (!ALLOWED[type].includes(key))
      fail(`unknown attribute '${key}' for type=${type} (${ALLOWED[type].join(', ')})`);
  }
  switch (type) {
    case 'schedule':
      setDefault(attrs, 'pattern', 'nightly');
      break;
    case 'semver':
      if (!attrs.pattern) fail('type=semver needs a pattern, e.g. pattern={{version}}');
      setDefault(attrs, 'value', '');
      setDefault(attrs, 'match', '');
      break;
    case 'match':
      if (!attrs.pattern) fail('type=match needs a pattern');
      setDefault(attrs, 'group', '0');
      if (!/^\d+$/.test(attrs.group ?? '')) fail(`group must be a number, got '${attrs.group}'`);
      setDefault(attrs, 'value', '');
      break;
    case 'edge':
      setDefault(attrs, 'branch', '');
      break;
    case 'ref':
      if (attrs.event === undefined) fail('type=ref needs event=branch, event=tag or event=pr');
      if (!['branch', 'tag', 'pr'].includes(attrs.event ?? '')) {
        fail(`event must be branch, tag or pr, got '${attrs.event}'`);
      }
      if (attrs.event === 'pr') setDefault(attrs, 'prefix', 'pr-');
      break;
    case 'raw':
      if (attrs.value === undefined || attrs.value === '') fail('type=raw needs a value');
      break;
    case 'sha':
      setDefault(attrs, 'prefix', 'sha-');
      setDefault(attrs, 'format', 'short');
      if (!['short', 'long'].includes(attrs.format ?? ''))
        fail(`format must be short or long, got '${attrs.format}'`);
      break;
  }
  setDefault(attrs, 'enable', 'true');
  setDefault(attrs, 'priority', String(DEFAULT_PRIORITIES[type]));
  if (!/^-?\d+$/.test(attrs.priority ?? '')) fail(`priority must be a whole number, got '${attrs.priority}'`);
  return { type, attrs, source };
}

/** Parses every rule (the defaults when `rules` is empty) and sorts by priority, highest first. */
export function parseTagRules(rules: readonly string[]): TagRule[] {
  const parsed = (rules.length > 0 ? rules : DEFAULT_TAG_RULES).map(parseTagRule);
  return parsed
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => Number(b.rule.attrs.priority) - Number(a.rule.attrs.priority) || a.index - b.index)
    .map(({ rule }) => rule);
}
