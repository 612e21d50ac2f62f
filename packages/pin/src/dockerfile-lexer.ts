/**
 * A Dockerfile lexer that keeps source positions: BuildKit's rules for parser directives
 * (`# syntax=`, `# escape=`), line continuations (comment and blank lines inside them are dropped),
 * and heredoc bodies (skipped, never read as instructions). Every character of a logical line maps
 * back to its index in the source text, so a word's span can be replaced byte for byte.
 */

export interface Directive {
  name: string;
  value: string;
  /** Span of the value in the source text. */
  start: number;
  end: number;
}

export interface Word {
  /** Raw text as in the logical line (quotes kept). */
  raw: string;
  /** Span in the source text. */
  start: number;
  end: number;
}

export interface Instruction {
  /** Upper-cased keyword (`FROM`, `ARG`, …). */
  keyword: string;
  /** Source index where the instruction starts. */
  start: number;
  /** Words after the keyword. */
  args: Word[];
  /** Names of heredocs that follow this instruction. */
  heredocs: string[];
}

export interface DockerfileSyntax {
  escape: string;
  directives: Directive[];
  instructions: Instruction[];
}

interface PhysicalLine {
  start: number;
  end: number;
}

const DIRECTIVE = /^[ \t]*#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$/d;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC = /^(?:[0-9])?<<(-?)(["']?)([a-zA-Z_][a-zA-Z0-9_]*)\2/;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

function physicalLines(text: string, from: number): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = from;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    lines.push({ start, end });
    start = nl + 1;
  }
  return lines;
}

const isBlank = (s: string): boolean => /^[ \t]*$/.test(s);
const isComment = (s: string): boolean => /^[ \t]*#/.test(s);

/** Splits a logical line into words (whitespace separated; quotes and escapes keep words together). */
function splitWords(text: string, map: number[], escape: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[ \t]/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    const begin = i;
    let quote = '';
    while (i < text.length) {
      const c = text[i] ?? '';
      if (c === escape && quote !== "'") {
        i += 2;
        continue;
      }
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ' ' || c === '\t') break;
      i++;
    }
    const end = Math.min(i, text.length);
    words.push({ raw: text.slice(begin, end), start: map[begin] ?? 0, end: (map[end - 1] ?? 0) + 1 });
  }
  return words;
}

/** Heredoc names (with their strip-tabs flag) opened by the words of a RUN/COPY/ADD line. */
function heredocsOf(words: Word[]): { name: string; stripTabs: boolean }[] {
  const out: { name: string; stripTabs: boolean }[] = [];
  for (const word of words) {
    const m = HEREDOC.exec(word.raw);
    if (m) out.push({ name: m[3] ?? '', stripTabs: m[1] === '-' });
  }
  return out;
}

/** Lexes a Dockerfile (the whole text, BOM included; positions index this text). */
export function lexDockerfile(text: string): DockerfileSyntax {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lines = physicalLines(text, bom);
  const line = (n: number): string => {
    const l = lines[n];
    return l ? text.slice(l.start, l.end) : '';
  };
  const directives: Directive[] = [];
  let escape = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(line(i));
    const name = m?.[1]?.toLowerCase();
    if (!m || !name || !KNOWN_DIRECTIVES.has(name) || directives.some((d) => d.name === name)) break;
    const value = m[2] ?? '';
    const valueStart = (lines[i]?.start ?? 0) + (m.indices?.[2]?.[0] ?? 0);
    directives.push({ name, value, start: valueStart, end: valueStart + value.length });
    if (name === 'escape' && (value === '`' || value === '\\')) escape = value;
  }

  const instructions: Instruction[] = [];
  while (i < lines.length) {
    if (isBlank(line(i)) || isComment(line(i))) {
      i++;
      continue;
    }
    let joined = '';
    const map: number[] = [];
    for (;;) {
      const l = lines[i] as PhysicalLine;
      let te = l.end;
      while (te > l.start && (text[te - 1] === ' ' || text[te - 1] === '\t')) te--;
      const continues = te > l.start && text[te - 1] === escape;
      const segEnd = continues ? te - 1 : l.end;
      for (let k = l.start; k < segEnd; k++) map.push(k);
      joined += text.slice(l.start, segEnd);
      i++;
      if (!continues) break;
      while (i < lines.length && (isBlank(line(i)) || isComment(line(i)))) i++;
      if (i >= lines.length) break;
    }
    const words = splitWords(joined, map, escape);
    const [first, ...args] = words;
    if (!first) continue;
    const keyword = first.raw.toUpperCase();
    const docs = HEREDOC_KEYWORDS.has(keyword) ? heredocsOf(args) : [];
    for (const doc of docs) {
      while (i < lines.length) {
        const body = line(i);
        i++;
        if ((doc.stripTabs ? body.replace(/^\t+/, '') : body) === doc.name) break;
      }
    }
    instructions.push({ keyword, start: first.start, args, heredocs: docs.map((d) => d.name) });
  }
  return { escape, directives, instructions };
}
