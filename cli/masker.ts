import { StringDecoder } from 'node:string_decoder';

export const MASK = '***';

/** The values to hide, registered by `::add-mask::`; shared by stdout and stderr. */
export class Masker {
  private secrets: string[] = [];

  /** Adds a value; a multi-line value is also masked line by line, as logs are read per line. */
  add(secret: string): void {
    const parts = [secret, ...secret.split(/\r?\n/)].map((s) => s.trim()).filter((s) => s !== '');
    for (const part of parts) if (!this.secrets.includes(part)) this.secrets.push(part);
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  get longest(): number {
    return this.secrets[0]?.length ?? 0;
  }

  get values(): readonly string[] {
    return this.secrets;
  }

  mask(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(MASK);
    return result;
  }
}

/** `::add-mask::value` (the value escaped the way @actions/core escapes command data). */
export function parseAddMask(line: string): string | undefined {
  const found = /^::add-mask(?: [^:]*)?::(.*)$/.exec(line.trimStart());
  if (!found) return undefined;
  return (found[1] ?? '').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

/** Longest line kept back waiting for its newline before it is written anyway. */
const MAX_PENDING = 64 * 1024;

/**
 * Turns a child's output stream into masked text, line by line: a secret split over two chunks
 * is still caught, and `::add-mask::` lines register their value and are not echoed.
 */
export class MaskingLineWriter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly masker: Masker,
    private readonly write: (text: string) => void,
    /** Show `::debug::` lines, as runners do with ACTIONS_STEP_DEBUG / RUNNER_DEBUG. */
    private readonly showDebug = false,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, nl + 1);
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
    }
    if (this.pending.length > MAX_PENDING) this.flushLong();
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
  }

  private line(line: string): void {
    const secret = parseAddMask(line.replace(/\r?\n$/, ''));
    if (secret !== undefined) {
      this.masker.add(secret);
      return;
    }
    if (!this.showDebug && line.trimStart().startsWith('::debug::')) return;
    this.write(this.masker.mask(line));
  }

  /** Writes most of a very long unterminated line, keeping back any tail a secret could start in. */
  private flushLong(): void {
    let cut = this.pending.length - Math.max(0, this.masker.longest - 1);
    for (let moved = true; moved;) {
      moved = false;
      for (const secret of this.masker.values) {
        const from = Math.max(0, cut - secret.length + 1);
        const at = this.pending.indexOf(secret, from);
        if (at >= 0 && at < cut && at + secret.length > cut) {
          cut = at;
          moved = true;
        }
      }
    }
    if (cut <= 0) return;
    this.write(this.masker.mask(this.pending.slice(0, cut)));
    this.pending = this.pending.slice(cut);
  }
}
