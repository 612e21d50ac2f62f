import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export interface FanOutTarget {
  /** Names the target in errors (the destination directory). */
  label: string;
  handle: FileHandle;
}

const HIGH_WATER_MARK = 1024 * 1024;

/** Writes every byte of `buffers` with as few writev calls as the file system allows (short writes resumed). */
async function writeFully(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    if (bytesWritten === 0 && pending.some((b) => b.length > 0))
      throw new Error('the file system accepted no bytes');
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of pending) {
      if (skip >= b.length) skip -= b.length;
      else {
        rest.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    pending = rest;
  }
}

/**
 * One stream written to several files at once. Chunks that arrive while a write is in flight are
 * gathered (up to 1 MiB) and written to every file in parallel; the stream accepts more only once every
 * file has taken the batch, so the slowest file sets the pace and memory stays bounded. A file whose
 * write fails is dropped (its error kept in `failures`) and the others go on; when none is left the
 * stream errors. The sha256 and size of what was written are computed on the way.
 */
export class FanOut extends Writable {
  readonly failures = new Map<string, Error>();
  bytes = 0;
  readonly #hash = createHash('sha256');
  readonly #targets: FanOutTarget[];

  constructor(targets: FanOutTarget[]) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.#targets = [...targets];
  }

  get live(): FanOutTarget[] {
    return this.#targets.filter((t) => !this.failures.has(t.label));
  }

  /** Hex sha256 of every byte written; call after the stream finished. */
  sha256(): string {
    return this.#hash.copy().digest('hex');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#writeBatch([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#writeBatch(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  async #writeBatch(batch: Buffer[]): Promise<void> {
    for (const b of batch) {
      this.#hash.update(b);
      this.bytes += b.length;
    }
    const live = this.live;
    const results = await Promise.allSettled(live.map((t) => writeFully(t.handle, batch)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        const target = live[i] as FanOutTarget;
        const reason: unknown = result.reason;
        this.failures.set(target.label, reason instanceof Error ? reason : new Error(String(reason)));
      }
    });
    if (this.live.length === 0) {
      const reasons = [...this.failures].map(([label, error]) => `${label}: ${error.message}`).join('; ');
      throw new Error(`no destination could be written (${reasons})`);
    }
  }
}
