import type { ImageOccurrence, OccurrenceKind, SkippedReference, SkipReason } from './types';

/** Line numbers and byte offsets for string indices of one text. */
export class TextPosition {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** 1-based line of a string index. */
  line(index: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  byteOffset(index: number): number {
    return Buffer.byteLength(this.text.slice(0, index), 'utf8');
  }

  occurrence(file: string, kind: OccurrenceKind, start: number, end: number): ImageOccurrence {
    return {
      file,
      kind,
      line: this.line(start),
      start,
      end,
      byteStart: this.byteOffset(start),
      byteEnd: this.byteOffset(end),
      text: this.text.slice(start, end),
    };
  }

  skip(
    file: string,
    kind: OccurrenceKind,
    start: number,
    image: string,
    reason: SkipReason,
    detail?: string,
  ): SkippedReference {
    const out: SkippedReference = { file, line: this.line(start), kind, image, reason };
    if (detail !== undefined) out.detail = detail;
    return out;
  }
}
