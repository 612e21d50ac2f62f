import { describe, expect, it } from 'vitest';
import { checkModelPaths, ModelPathError, normalizeModelPath } from '@sovereign-ci/model';

describe('normalizeModelPath', () => {
  describe('when the path is safe', () => {
    it.each([
      ['config.json', 'config.json'],
      ['./a/b.bin', 'a/b.bin'],
      ['a//b/./c.txt', 'a/b/c.txt'],
      ['dir/', 'dir'],
      ['Cafe\u0301.md', 'Café.md'],
    ])('%j becomes %j', (raw, normal) => {
      expect(normalizeModelPath(raw)).toBe(normal);
    });
  });

  describe('when the path could escape the target', () => {
    it.each([
      ['/etc/passwd', /absolute/],
      ['C:/x', /absolute/],
      ['../up.bin', /'\.\.' segment/],
      ['a/../../b', /'\.\.' segment/],
      ['a\0b', /NUL/],
      ['a\\b', /backslash/],
      ['a\nb', /control character/],
      ['', /empty/],
      ['./', /names no file/],
    ])('%j is refused', (raw, reason) => {
      expect(() => normalizeModelPath(raw)).toThrow(ModelPathError);
      expect(() => normalizeModelPath(raw)).toThrow(reason);
    });
  });
});

describe('checkModelPaths', () => {
  describe('when two names are one file after normalisation', () => {
    it.each([
      [['a/b.bin', './a/b.bin']],
      [['x/y', 'x//y']],
      [['README.md', 'readme.md']],
      [['Cafe\u0301', 'Café']],
    ])('%j is refused', (paths) => {
      expect(() => checkModelPaths(paths)).toThrow(/same file/);
    });
  });

  describe('when a file is also the folder of another file', () => {
    it.each([[['a', 'a/b']], [['x/y/z.bin', 'x/y']], [['Docs', 'docs/readme.md']]])(
      '%j is refused',
      (paths) => {
        expect(() => checkModelPaths(paths)).toThrow(/its folder is the file/);
      },
    );
  });

  describe('when names are distinct', () => {
    it('returns them normalised, in order', () => {
      expect(checkModelPaths(['b', './a/c', 'a/d'])).toEqual(['b', 'a/c', 'a/d']);
    });
  });
});
