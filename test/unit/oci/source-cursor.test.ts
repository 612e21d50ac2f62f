import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SourceCursor } from '../../../packages/oci/src/source-cursor';

const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));

async function read(cursor: SourceCursor, start: number, end: number): Promise<number[]> {
  const out: number[] = [];
  for await (const piece of cursor.range(start, end)) out.push(...piece);
  return out;
}

describe('SourceCursor', () => {
  describe.each([
    ['a buffer', () => data],
    [
      'a stream of 7-byte chunks',
      () => () => Readable.from(Array.from({ length: 15 }, (_, i) => data.subarray(i * 7, i * 7 + 7))),
    ],
  ])('when the source is %s', (_name, source) => {
    it.each([
      [
        [
          [0, 30],
          [30, 60],
          [60, 100],
        ],
      ],
      [
        [
          [0, 30],
          [10, 40],
          [95, 100],
        ],
      ],
      [
        [
          [50, 60],
          [0, 5],
        ],
      ],
    ])('reads the ranges %j exactly', async (ranges) => {
      const cursor = new SourceCursor(source(), data.length);
      for (const [start, end] of ranges as [number, number][]) {
        expect(await read(cursor, start, end)).toEqual([...data.subarray(start, end)]);
      }
      cursor.close();
    });
  });

  describe('when the stream is shorter than the blob', () => {
    it('fails instead of sending a short body', async () => {
      const cursor = new SourceCursor(() => Readable.from([data.subarray(0, 10)]), 100);
      await expect(read(cursor, 0, 20)).rejects.toThrow('the blob source ended after 10 bytes; expected 100');
    });
  });
});
