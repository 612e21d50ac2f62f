import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseShard, selectFiles, shardFiles, type ModelFile } from '@sovereign-ci/model';

const file = (path: string, size = 1): ModelFile => ({
  path,
  size,
  open: () => Promise.resolve(Readable.from([])),
});
const model = [
  file('model-00001-of-00003.safetensors', 900),
  file('model-00002-of-00003.safetensors', 800),
  file('model-00003-of-00003.safetensors', 300),
  file('config.json', 5),
  file('tokenizer/tokenizer.json', 50),
  file('README.md', 7),
  file('original/consolidated.pth', 1000),
  file('./onnx//model.onnx', 400),
];

describe('selectFiles', () => {
  describe('when include and exclude are given', () => {
    it.each([
      [
        [],
        [],
        [
          'README.md',
          'config.json',
          'model-00001-of-00003.safetensors',
          'model-00002-of-00003.safetensors',
          'model-00003-of-00003.safetensors',
          'onnx/model.onnx',
          'original/consolidated.pth',
          'tokenizer/tokenizer.json',
        ],
      ],
      [['*.json', 'tokenizer/**'], [], ['config.json', 'tokenizer/tokenizer.json']],
      [
        [],
        ['original/**', 'onnx/**'],
        [
          'README.md',
          'config.json',
          'model-00001-of-00003.safetensors',
          'model-00002-of-00003.safetensors',
          'model-00003-of-00003.safetensors',
          'tokenizer/tokenizer.json',
        ],
      ],
      [['**/*.{json,md}'], ['README.md'], ['config.json', 'tokenizer/tokenizer.json']],
    ])('include %j exclude %j keeps %j (normalised, sorted)', (include, exclude, kept) => {
      expect(selectFiles(model, include, exclude).map((f) => f.path)).toEqual(kept);
    });
  });

  describe('when a listed path is unsafe', () => {
    it('fails even if exclude would drop it', () => {
      expect(() => selectFiles([...model, file('../evil.bin')], [], ['**/evil.bin'])).toThrow(
        /'\.\.' segment/,
      );
    });
  });
});

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['2/4', { index: 2, count: 4 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
    ['0/2', undefined],
    ['3/2', undefined],
    ['1/0', undefined],
    ['a/b', undefined],
    ['2', undefined],
  ])('%j is %j', (value, shard) => {
    expect(parseShard(value)).toEqual(shard);
  });
});

describe('shardFiles', () => {
  describe('when the model is split in n shards', () => {
    it.each([1, 2, 3, 5])('%i shards cover every file exactly once, deterministically', (n) => {
      const files = selectFiles(model, [], []);
      const shards = Array.from({ length: n }, (_, i) =>
        shardFiles(files, { index: i + 1, count: n }).map((f) => f.path),
      );
      expect(shards.flat().sort()).toEqual(files.map((f) => f.path).sort());
      const again = Array.from({ length: n }, (_, i) =>
        shardFiles([...files].reverse(), { index: i + 1, count: n })
          .map((f) => f.path)
          .sort(),
      );
      expect(again).toEqual(shards.map((s) => [...s].sort()));
    });

    it('balances bytes across shards', () => {
      const files = selectFiles(model, [], []);
      const bytes = [1, 2].map((i) =>
        shardFiles(files, { index: i, count: 2 }).reduce((s, f) => s + f.size, 0),
      );
      expect(bytes).toEqual([1750, 1712]); // greedy: 1000|900+800|400+300|50 on the tie|7|5
    });
  });
});
