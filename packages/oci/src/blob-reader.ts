import { Readable } from 'node:stream';
import type { Hash } from 'node:crypto';
import type { Descriptor } from './types';
import { hasherFor } from './digest';
import { RegistryError } from './registry-error';
import { isRetryableError } from './retry-policy';

/** Opens the blob body at a byte offset; `restarted` when the server ignored the range and sent from 0. */
export type RangeOpener = (offset: number) => Promise<{ body: Readable; restarted: boolean }>;

/**
 * A stream of the blob that checks size and digest as it is read. A connection lost mid-body is
 * resumed with a Range request. It runs one chunk behind, so the last bytes go out only once the
 * digest checked out; a mismatch errors the stream (it never ends cleanly).
 */
export function verifyingBlobStream(
  open: RangeOpener,
  expected: Descriptor,
  where: string,
  first?: Readable,
  maxResumes = 5,
): Readable {
  return new VerifyingReadable(open, expected, where, first, maxResumes);
}

class VerifyingReadable extends Readable {
  private readonly hash: Hash;
  private offset = 0;
  private resumes = 0;
  private skip = 0;
  private held: Buffer | undefined;
  private body: Readable | undefined;
  private opening = false;

  constructor(
    private readonly open: RangeOpener,
    private readonly expected: Descriptor,
    private readonly where: string,
    first: Readable | undefined,
    private readonly maxResumes: number,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.hash = hasherFor(expected.digest);
    if (first) this.attach(first, false);
  }

  override _read(): void {
    if (this.body) this.body.resume();
    else if (!this.opening) this.reopen(false);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach()?.destroy();
    callback(error);
  }

  private readonly onData = (raw: Buffer) => {
    let chunk = raw;
    if (this.skip > 0) {
      const cut = Math.min(this.skip, chunk.length);
      this.skip -= cut;
      chunk = chunk.subarray(cut);
      if (chunk.length === 0) return;
    }
    this.offset += chunk.length;
    if (this.offset > this.expected.size) {
      return this.fail(
        new RegistryError(
          `blob ${this.expected.digest} from ${this.where} is larger than its descriptor says (${this.expected.size} bytes); refusing it`,
          { code: 'SIZE_MISMATCH' },
        ),
      );
    }
    this.hash.update(chunk);
    const out = this.held;
    this.held = chunk;
    if (out && !this.push(out)) this.body?.pause();
  };

  private readonly onEnd = () => {
    this.detach();
    if (this.offset === this.expected.size) return this.finish();
    if (this.resumes >= this.maxResumes) {
      return this.fail(
        new RegistryError(
          `blob ${this.expected.digest} from ${this.where} ended after ${this.offset} of ${this.expected.size} bytes`,
          { code: 'SIZE_MISMATCH' },
        ),
      );
    }
    this.reopen(true);
  };

  private readonly onError = (error: Error) => {
    this.detach()?.destroy();
    if (error instanceof RegistryError) return this.fail(error);
    if (this.resumes < this.maxResumes && isRetryableError(error)) return this.reopen(true);
    this.fail(
      new RegistryError(
        `reading blob ${this.expected.digest} from ${this.where} failed at byte ${this.offset} of ${this.expected.size}: ${error.message}`,
        { code: 'NETWORK_ERROR', cause: error },
      ),
    );
  };

  private attach(body: Readable, restarted: boolean): void {
    this.body = body;
    this.skip = restarted ? this.offset : 0;
    body.on('data', this.onData);
    body.once('end', this.onEnd);
    body.once('error', this.onError);
  }

  private detach(): Readable | undefined {
    const body = this.body;
    this.body = undefined;
    body?.off('data', this.onData).off('end', this.onEnd).off('error', this.onError);
    body?.on('error', () => {});
    return body;
  }

  private reopen(isResume: boolean): void {
    if (isResume) this.resumes++;
    this.opening = true;
    this.open(this.offset).then(
      ({ body, restarted }) => {
        this.opening = false;
        if (this.destroyed) return void body.destroy();
        this.attach(body, restarted);
      },
      (error: unknown) => this.fail(error as Error),
    );
  }

  private finish(): void {
    const algorithm = this.expected.digest.slice(0, this.expected.digest.indexOf(':'));
    const actual = `${algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      return this.fail(
        new RegistryError(
          `blob from ${this.where} does not match its digest: expected ${this.expected.digest}, got ${actual}; the download was discarded`,
          { code: 'DIGEST_MISMATCH' },
        ),
      );
    }
    if (this.held) this.push(this.held);
    this.held = undefined;
    this.push(null);
  }

  private fail(error: Error): void {
    this.held = undefined;
    this.detach()?.destroy();
    this.destroy(error);
  }
}
