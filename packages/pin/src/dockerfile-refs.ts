import { lexDockerfile, type Word } from './dockerfile-lexer';
import { TextPosition } from './text-position';
import type { FileScan, OccurrenceKind } from './types';

interface ArgDefault {
  value: string;
  start: number;
  end: number;
}

const SINGLE_VARIABLE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/;

/** The span of a word's value with surrounding quotes removed. */
function unquoted(raw: string, start: number): { value: string; start: number; end: number } {
  const q = raw[0];
  if (raw.length >= 2 && (q === '"' || q === "'") && raw[raw.length - 1] === q) {
    return { value: raw.slice(1, -1), start: start + 1, end: start + raw.length - 1 };
  }
  return { value: raw, start, end: start + raw.length };
}

/** Finds image references in a Dockerfile/Containerfile. `text` is the decoded file (BOM included). */
export function scanDockerfile(file: string, text: string): FileScan {
  const syntax = lexDockerfile(text);
  const pos = new TextPosition(text);
  const scan: FileScan = { file, occurrences: [], skipped: [] };
  const seen = new Set<number>();
  const add = (kind: OccurrenceKind, start: number, end: number): void => {
    if (seen.has(start)) return;
    seen.add(start);
    scan.occurrences.push(pos.occurrence(file, kind, start, end));
  };

  const syntaxDirective = syntax.directives.find((d) => d.name === 'syntax');
  if (syntaxDirective && syntaxDirective.value !== '') {
    if (syntaxDirective.value.includes('$')) {
      scan.skipped.push(pos.skip(file, 'syntax', syntaxDirective.start, syntaxDirective.value, 'variable'));
    } else add('syntax', syntaxDirective.start, syntaxDirective.end);
  }

  const stages = new Set<string>();
  for (const ins of syntax.instructions) {
    if (ins.keyword !== 'FROM') continue;
    const words = ins.args.filter((w) => !w.raw.startsWith('--'));
    if (words.length >= 3 && words[1]?.raw.toUpperCase() === 'AS')
      stages.add((words[2]?.raw ?? '').toLowerCase());
  }

  const globalArgs = new Map<string, ArgDefault>();
  let inStage = false;
  const reference = (
    kind: OccurrenceKind,
    value: string,
    start: number,
    end: number,
    stageIndexOk: boolean,
  ): void => {
    const lower = value.toLowerCase();
    if (lower === 'scratch') {
      scan.skipped.push(pos.skip(file, kind, start, value, 'scratch'));
      return;
    }
    if (stages.has(lower) || (stageIndexOk && /^[0-9]+$/.test(value))) {
      scan.skipped.push(pos.skip(file, kind, start, value, 'stage-alias'));
      return;
    }
    if (!value.includes('$')) {
      if (text.slice(start, end) === value) add(kind, start, end);
      else
        scan.skipped.push(
          pos.skip(file, kind, start, value, 'invalid', 'the reference spans a line continuation'),
        );
      return;
    }
    const m = SINGLE_VARIABLE.exec(value);
    const name = m?.[1] ?? m?.[2];
    const arg = name === undefined ? undefined : globalArgs.get(name);
    if (!arg || arg.value === '' || arg.value.includes('$')) {
      const detail =
        name === undefined ? 'the reference is built from variables' : `ARG ${name} has no usable default`;
      scan.skipped.push(pos.skip(file, kind, start, value, 'variable', detail));
      return;
    }
    const argLower = arg.value.toLowerCase();
    if (argLower === 'scratch') scan.skipped.push(pos.skip(file, 'arg', arg.start, arg.value, 'scratch'));
    else if (stages.has(argLower))
      scan.skipped.push(pos.skip(file, 'arg', arg.start, arg.value, 'stage-alias'));
    else add('arg', arg.start, arg.end);
  };

  for (const ins of syntax.instructions) {
    if (ins.keyword === 'ARG' && !inStage) {
      for (const word of ins.args) {
        const eq = word.raw.indexOf('=');
        const name = eq < 0 ? word.raw : word.raw.slice(0, eq);
        if (eq < 0) {
          globalArgs.set(name, { value: '', start: word.end, end: word.end });
          continue;
        }
        const v = unquoted(word.raw.slice(eq + 1), word.start + eq + 1);
        globalArgs.set(name, v);
      }
    } else if (ins.keyword === 'FROM') {
      inStage = true;
      const image = ins.args.find((w) => !w.raw.startsWith('--'));
      if (image) reference('from', image.raw, image.start, image.end, false);
    } else if (ins.keyword === 'COPY') {
      for (const flag of flagsOf(ins.args)) {
        if (flag.name === 'from') reference('copy-from', flag.value, flag.start, flag.end, true);
      }
    } else if (ins.keyword === 'RUN') {
      for (const flag of flagsOf(ins.args)) {
        if (flag.name !== 'mount') continue;
        let offset = flag.start;
        for (const part of flag.value.split(',')) {
          if (part.startsWith('from=')) {
            const value = part.slice(5);
            reference('mount-from', value, offset + 5, offset + part.length, true);
          }
          offset += part.length + 1;
        }
      }
    }
  }
  return scan;
}

/** `--name=value` flags before the first non-flag word, with the value's span. */
function flagsOf(args: Word[]): { name: string; value: string; start: number; end: number }[] {
  const out: { name: string; value: string; start: number; end: number }[] = [];
  for (const word of args) {
    if (!word.raw.startsWith('--')) break;
    const eq = word.raw.indexOf('=');
    if (eq < 0) continue;
    const name = word.raw.slice(2, eq).toLowerCase();
    const v = unquoted(word.raw.slice(eq + 1), word.start + eq + 1);
    out.push({ name, ...v });
  }
  return out;
}
