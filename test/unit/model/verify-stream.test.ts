import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ContentMismatchError, gitBlobId, verifyingStream } from '@sovereign-ci/model';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const chunks = [Buffer.from('aaaa'), Buffer.from('bbbb'), Buffer.from('cccc')];
const whole = Buffer.concat(chunks);

async function consume(stream: Readable): Promise<{ received: Buffer; error?: Error }> {
  const got: Buffer[] = [];
  try {
    for await (const c of stream) got.push(c as Buffer);
    return { received: Buffer.concat(got) };
  } catch (error) {
    return { received: Buffer.concat(got), error: error as Error };
  }
}

describe('verifyingStream', () => {
  describe('when the content matches', () => {
    it('passes every byte through and counts them', async () => {
      let counted = 0;
      const out = await consume(
        verifyingStream(Readable.from(chunks), {
          digest: sha(whole),
          size: 12,
          what: 'w',
          onBytes: (n) => (counted += n),
        }),
      );
      expect(out).toEqual({ received: whole });
      expect(counted).toBe(12);
    });
  });

  describe('when the content does not match', () => {
    it.each([
      [
        'other bytes',
        [Buffer.from('aaaa'), Buffer.from('bbbb'), Buffer.from('cccX')],
        12,
        /has digest sha256:.*refusing/,
      ],
      ['too short', [Buffer.from('aaaa'), Buffer.from('bbbb')], 12, /ended after 8 bytes/],
      ['too long', [...chunks, Buffer.from('d')], 12, /larger than the 12 bytes/],
    ])('errors on %s before the last chunk reaches the consumer', async (_name, parts, size, message) => {
      let reported: ContentMismatchError | undefined;
      const out = await consume(
        verifyingStream(Readable.from(parts), {
          digest: sha(whole),
          size,
          what: 'w',
          onMismatch: (e) => (reported = e),
        }),
      );
      expect(out.error).toBeInstanceOf(ContentMismatchError);
      expect(out.error?.message).toMatch(message);
      expect(reported).toBe(out.error);
      expect(out.received.length).toBeLessThan(Buffer.concat(parts).length);
    });
  });
});

describe('gitBlobId', () => {
  it("equals git's id of the recorded .gitattributes size class (known vector: empty blob)", () => {
    expect(gitBlobId(Buffer.alloc(0))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(gitBlobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
