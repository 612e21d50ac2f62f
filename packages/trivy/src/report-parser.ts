import type { ScanReport } from './model';
import { ReportBuilder } from './report-builder';
import { describeRole, ELEMENT, lookupKey, RESULTS, ROOT, SKIP, VULNS, type Slot } from './report-keys';

/** The report is not valid JSON, not a Trivy SchemaVersion 2 report, or has a malformed finding. */
export class ReportParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportParseError';
  }
}

// Tokenizer modes.
const VALUE = 0;
const VALUE_OR_END = 1;
const KEY_OR_END = 2;
const KEY = 3;
const COLON = 4;
const COMMA_OR_END = 5;
const STRING = 6;
const LITERAL = 7;
const DONE = 8;

const LITERAL_PATTERN = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/;

interface Frame {
  array: boolean;
  role: number;
  /** The slot of the value being read: set by each key in objects, fixed in arrays. */
  slot: Slot | undefined;
  /** The object being filled (root, result target, raw vulnerability). */
  target: Record<string, unknown> | undefined;
}

function hasBackslash(buf: Buffer, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (buf[k] === 0x5c) return true;
  return false;
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * A streaming reader of Trivy's JSON report: it tokenizes chunk by chunk and keeps only the fields the gate
 * reads, so a report of any size costs memory in proportion to its findings, not its bytes. Containers the
 * gate does not read (CVSS, references, package lists, metadata) are tokenized and checked as JSON like the
 * rest, but build nothing: a report that is not valid JSON anywhere is refused, never half-read.
 */
export class TrivyReportParser {
  private mode = VALUE;
  private readonly stack: Frame[] = [];
  private top: Frame | undefined;
  private offset = 0;
  private escape = false;
  private stringIsKey = false;
  private capture: { target: Record<string, unknown>; field: string } | undefined;
  private parts: Buffer[] = [];
  private literal = '';
  private readonly builder = new ReportBuilder();

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const mode = this.mode;
      if (mode === STRING) i = this.scanString(chunk, i);
      else if (mode === LITERAL) i = this.scanLiteral(chunk, i);
      else {
        while (i < n && isSpace(chunk[i]!)) i++;
        if (i < n) i = this.structural(chunk[i]!, i);
      }
    }
    this.offset += n;
  }

  end(): ScanReport {
    if (this.mode === LITERAL) this.finishLiteral(this.offset);
    if (this.mode !== DONE) throw new ReportParseError('unexpected end of the report (truncated JSON)');
    const report = this.builder.report();
    if (typeof report === 'string') throw new ReportParseError(report);
    return report;
  }

  private fail(message: string, at: number): never {
    throw new ReportParseError(`${message} at byte ${this.offset + at}`);
  }

  private structural(c: number, i: number): number {
    switch (this.mode) {
      case VALUE_OR_END:
        if (c === 0x5d) return this.close(true, i);
        return this.beginValue(c, i);
      case VALUE:
        return this.beginValue(c, i);
      case KEY_OR_END:
      case KEY:
        if (c === 0x7d && this.mode === KEY_OR_END) return this.close(false, i);
        if (c !== 0x22) this.fail('expected an object key', i);
        this.stringIsKey = true;
        this.mode = STRING;
        return i + 1;
      case COLON:
        if (c !== 0x3a) this.fail("expected ':'", i);
        this.mode = VALUE;
        return i + 1;
      case COMMA_OR_END: {
        const array = this.top!.array;
        if (c === 0x2c) {
          this.mode = array ? VALUE : KEY;
          return i + 1;
        }
        if (c === (array ? 0x5d : 0x7d)) return this.close(array, i);
        return this.fail(`expected ',' or '${array ? ']' : '}'}'`, i);
      }
      default:
        return this.fail('unexpected data after the report', i);
    }
  }

  private beginValue(c: number, i: number): number {
    const parent = this.top;
    const slot = parent ? parent.slot : undefined;
    const role = parent ? (slot?.role ?? SKIP) : ROOT;
    const field = slot?.field;
    if (!parent && c !== 0x7b) this.fail('a Trivy report is a JSON object', i);
    if (c === 0x7b || c === 0x5b) {
      const array = c === 0x5b;
      if (field !== undefined)
        this.fail(
          `'${slot!.bytes.toString('latin1')}' must be a ${field === 'schemaVersion' ? 'number' : 'string'}`,
          i,
        );
      // A container the gate does not read (role SKIP) is still tokenized, so it is checked as JSON.
      const wantsArray = role === RESULTS || role === VULNS;
      if (role !== ROOT && role !== SKIP && wantsArray !== array)
        this.fail(`'${describeRole(role)}' must be ${wantsArray ? 'an array' : 'an object'}`, i);
      const frame: Frame = {
        array,
        role,
        slot: ELEMENT[role],
        target: this.builder.open(role, this.top?.target),
      };
      this.stack.push(frame);
      this.top = frame;
      this.mode = array ? VALUE_OR_END : KEY_OR_END;
      return i + 1;
    }
    const isNull = c === 0x6e;
    if (role !== SKIP && !isNull)
      this.fail(
        `'${describeRole(role)}' must be ${role === RESULTS || role === VULNS ? 'an array' : 'an object'}`,
        i,
      );
    this.capture = field !== undefined && parent!.target ? { target: parent!.target, field } : undefined;
    if (c === 0x22) {
      if (field === 'schemaVersion') this.fail("'SchemaVersion' must be a number", i);
      this.stringIsKey = false;
      this.mode = STRING;
      return i + 1;
    }
    if (field !== undefined && field !== 'schemaVersion' && !isNull)
      this.fail(`'${slot!.bytes.toString('latin1')}' must be a string`, i);
    this.literal = '';
    this.mode = LITERAL;
    return i;
  }

  private close(array: boolean, i: number): number {
    const frame = this.stack.pop()!;
    if (frame.array !== array) this.fail('mismatched bracket', i);
    const problem = this.builder.close(frame.role, frame.target);
    if (problem) this.fail(problem, i);
    this.top = this.stack[this.stack.length - 1];
    this.mode = this.top ? COMMA_OR_END : DONE;
    return i + 1;
  }

  private scanString(buf: Buffer, from: number): number {
    const n = buf.length;
    // Keys matter only in containers the gate reads; values only when captured.
    const collect = (this.stringIsKey && this.top!.role !== SKIP) || this.capture !== undefined;
    let i = from;
    for (;;) {
      if (this.escape) {
        this.escape = false;
        if (++i >= n) break;
      }
      const quote = buf.indexOf(0x22, i);
      const end = quote < 0 ? n : quote;
      let k = end - 1;
      while (k >= i && buf[k] === 0x5c) k--;
      const odd = (end - 1 - k) % 2 === 1;
      if (quote < 0) {
        this.escape = odd;
        break;
      }
      if (odd) {
        if ((i = quote + 1) >= n) break;
        continue;
      }
      if (collect) this.finishString(buf, from, quote);
      else this.mode = this.stringIsKey ? COLON : COMMA_OR_END;
      return quote + 1;
    }
    if (collect) this.parts.push(Buffer.from(buf.subarray(from, n)));
    return n;
  }

  private finishString(buf: Buffer, start: number, end: number): void {
    if (this.parts.length > 0) {
      buf = Buffer.concat([...this.parts, buf.subarray(start, end)]);
      start = 0;
      end = buf.length;
      this.parts = [];
    }
    if (this.stringIsKey) {
      const role = this.top!.role;
      let slot = lookupKey(role, buf, start, end);
      if (slot === undefined && hasBackslash(buf, start, end)) {
        // An escaped key (`"Vuln\u0065rabilities"`) is the same key once decoded.
        const key = Buffer.from(this.decode(buf.toString('utf8', start, end), end));
        slot = lookupKey(role, key, 0, key.length);
      }
      this.top!.slot = slot;
      this.mode = COLON;
      return;
    }
    let text = buf.toString('utf8', start, end);
    if (text.includes('\\')) text = this.decode(text, end);
    const { target, field } = this.capture!;
    this.builder.assign(target, field, text);
    this.capture = undefined;
    this.mode = COMMA_OR_END;
  }

  private scanLiteral(buf: Buffer, from: number): number {
    const n = buf.length;
    let i = from;
    while (i < n) {
      const c = buf[i]!;
      if (c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) break;
      i++;
    }
    this.literal += buf.toString('latin1', from, i);
    if (this.literal.length > 64) this.fail('malformed JSON literal', i);
    if (i < n) this.finishLiteral(i);
    return i;
  }

  private decode(text: string, at: number): string {
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      return this.fail('invalid string escape', at);
    }
  }

  private finishLiteral(at: number): void {
    if (!LITERAL_PATTERN.test(this.literal))
      this.fail(`malformed JSON literal '${this.literal.slice(0, 20)}'`, at);
    if (this.capture && this.capture.field === 'schemaVersion' && this.literal !== 'null') {
      this.builder.assign(this.capture.target, 'schemaVersion', Number(this.literal));
    }
    this.capture = undefined;
    this.mode = this.top ? COMMA_OR_END : DONE;
  }
}
