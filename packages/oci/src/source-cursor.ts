import type { Readable } from 'node:stream';
import type { BlobSource } from './types';

/** Reads byte ranges of a blob source in order, reopening the source when asked to go back. */
export class SourceCursor {
  private stream: Readable | undefined;
  private iter: AsyncIterator<Buffer> | undefined;
  private pos = 0;
  private leftover: Buffer | undefined;

  constructor(
    private readonly source: BlobSource,
    private readonly size: number,
  ) {}

  /** Yields exactly the bytes [start, end) of the source. */
  async *range(start: number, end: number, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
    if (Buffer.isBuffer(this.source)) {
      const step = 1 << 20;
      for (let at = start; at < end; at += step) {
        const piece = this.source.subarray(at, Math.min(end, at + step));
        onBytes?.(piece.length);
        yield piece;
      }
      return;
    }
    if (!this.iter || start < this.pos) this.reopen(this.source);
    while (this.pos < end) {
      let chunk = this.leftover;
      this.leftover = undefined;
      if (!chunk) {
        const next = await this.iter!.next();
        if (next.done)
          throw new Error(`the blob source ended after ${this.pos} bytes; expected ${this.size}`);
        chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
      }
      const chunkStart = this.pos;
      const chunkEnd = chunkStart + chunk.length;
      if (chunkEnd <= start) {
        this.pos = chunkEnd;
        continue;
      }
      const from = Math.max(0, start - chunkStart);
      let to = chunk.length;
      if (chunkEnd > end) {
        to = end - chunkStart;
        this.leftover = chunk.subarray(to);
        this.pos = end;
      } else {
        this.pos = chunkEnd;
      }
      const piece = chunk.subarray(from, to);
      onBytes?.(piece.length);
      yield piece;
    }
  }

  close(): void {
    this.stream?.destroy();
  }

  private reopen(factory: () => Readable): void {
    this.stream?.destroy();
    this.stream = factory();
    this.iter = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.pos = 0;
    this.leftover = undefined;
  }
}
