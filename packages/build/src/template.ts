/**
 * The subset of Handlebars that docker/metadata-action's tag rules use: `{{name}}` and
 * `{{name 'argument' key='value'}}`, where `name` is a value or a helper function.
 * Unknown names are an error (metadata-action renders them as empty strings, which hides typos).
 */
export type TemplateValue = string | number | ((args: string[], hash: Record<string, string>) => string);
export type TemplateScope = Readonly<Record<string, TemplateValue>>;

export class TemplateError extends Error {
  constructor(
    message: string,
    /** The option whose value held the template (`labels`, `annotations`), when known. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

const TOKEN =
  /\s*(?:([A-Za-z_][\w-]*)=(?:'([^']*)'|"([^"]*)"|(\S+))|'([^']*)'|"([^"]*)"|([A-Za-z_][\w.-]*))/y;

interface Expression {
  name: string;
  args: string[];
  hash: Record<string, string>;
}

function parseExpression(source: string): Expression {
  const words: Expression = { name: '', args: [], hash: {} };
  let index = 0;
  const text = source.trimEnd();
  while (index < text.length) {
    TOKEN.lastIndex = index;
    const match = TOKEN.exec(text);
    if (!match) throw new TemplateError(`cannot parse '{{${source}}}'`);
    index = TOKEN.lastIndex;
    const [, key, kq1, kq2, kbare, q1, q2, bare] = match;
    if (key !== undefined) words.hash[key] = kq1 ?? kq2 ?? kbare ?? '';
    else if (words.name === '' && bare !== undefined) words.name = bare;
    else if (words.name !== '') words.args.push(q1 ?? q2 ?? bare ?? '');
    else throw new TemplateError(`'{{${source}}}' must start with a name`);
  }
  if (words.name === '') throw new TemplateError('empty expression {{}}');
  return words;
}

/** Whether `pattern` is exactly one `{{name}}` expression (metadata-action's `isRawStatement`). */
export function isSingleExpression(pattern: string, name: string): boolean {
  const match = /^\{\{\s*([\w.-]+)\s*\}\}$/.exec(pattern);
  return match?.[1] === name;
}

/** Renders `template` against `scope`. */
export function renderTemplate(template: string, scope: TemplateScope): string {
  let out = '';
  let index = 0;
  for (;;) {
    const open = template.indexOf('{{', index);
    if (open < 0) return out + template.slice(index);
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`unclosed '{{' in '${template}'`);
    out += template.slice(index, open);
    const expression = parseExpression(template.slice(open + 2, close));
    if (!Object.prototype.hasOwnProperty.call(scope, expression.name)) {
      const known = Object.keys(scope).sort().join(', ');
      throw new TemplateError(`unknown expression '{{${expression.name}}}' (known: ${known})`);
    }
    const value = scope[expression.name] as TemplateValue;
    out += typeof value === 'function' ? value(expression.args, expression.hash) : String(value);
    index = close + 2;
  }
}
