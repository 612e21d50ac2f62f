import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** The content did not match what its source published (digest or size). */
export class ContentMismatchError extends Error {
  readonly code = 'CONTENT_MISMATCH';
  constructor(message: string) {
    super(message);
    this.name = 'ContentMismatchError';
  }
}

export interface VerifyOptions {
  digest: string;
  size: number;
  /** What is being read, for messages ("model.safetensors from huggingface.co"). */
  what: string;
  onBytes?: (n: number) => void;
  /** Called with the error when the content does not match, before the stream errors. */
  onMismatch?: (error: ContentMismatchError) => void;
}

/**
 * Passes `source` through while hashing it. The last chunk is held back until the whole content is
 * checked, so a consumer (an upload) never receives complete wrong bytes: on a mismatch the stream errors
 * before its end and the registry commits nothing.
 */
export function verifyingStream(source: Readable, options: VerifyOptions): Readable {
  const algorithm = options.digest.slice(0, options.digest.indexOf(':'));
  const fail = (message: string) => {
    const error = new ContentMismatchError(message);
    options.onMismatch?.(error);
    return error;
  };
  async function* read(): AsyncGenerator<Buffer> {
    const hash = createHash(algorithm);
    let pending: Buffer | undefined;
    let size = 0;
    for await (const raw of source) {
      const chunk = raw as Buffer;
      size += chunk.length;
      if (size > options.size)
        throw fail(`${options.what} is larger than the ${options.size} bytes published for it`);
      hash.update(chunk);
      if (pending) {
        options.onBytes?.(pending.length);
        yield pending;
      }
      pending = chunk;
    }
    if (size !== options.size) {
      throw fail(`${options.what} ended after ${size} bytes; ${options.size} were published for it`);
    }
    const actual = `${algorithm}:${hash.digest('hex')}`;
    if (actual !== options.digest) {
      throw fail(
        `${options.what} has digest ${actual}, but ${options.digest} was published for it; refusing it`,
      );
    }
    if (pending) {
      options.onBytes?.(pending.length);
      yield pending;
    }
  }
  return Readable.from(read(), { objectMode: false, highWaterMark: 1 << 20 });
}

/** sha256 of a stream, with its length; also its git blob id when `gitSize` (the expected size) is given. */
export async function hashStream(
  source: Readable,
  gitSize?: number,
): Promise<{ digest: string; size: number; gitOid?: string }> {
  const hash = createHash('sha256');
  const git = gitSize === undefined ? undefined : createHash('sha1').update(`blob ${gitSize}\0`);
  let size = 0;
  for await (const chunk of source) {
    hash.update(chunk as Buffer);
    git?.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size, ...(git ? { gitOid: git.digest('hex') } : {}) };
}

/** Git's blob id of some content: sha1 of `blob <size>\0<content>`. */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Reads a stream whole, refusing more than `max` bytes. */
export async function readAll(source: Readable, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += (chunk as Buffer).length;
    if (size > max) {
      source.destroy();
      throw new ContentMismatchError(`${what} is larger than the ${max} bytes expected`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
