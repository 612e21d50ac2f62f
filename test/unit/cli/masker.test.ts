import { describe, expect, it } from 'vitest';
import { Masker, MaskingLineWriter, parseAddMask } from '../../../cli/masker';

function writer(masker = new Masker()) {
  const written: string[] = [];
  const w = new MaskingLineWriter(masker, (text) => written.push(text));
  return { w, masker, text: () => written.join('') };
}

describe('parseAddMask', () => {
  it.each([
    ['::add-mask::s3cret', 's3cret'],
    ['  ::add-mask::s3cret', 's3cret'],
    ['::add-mask::a%0Ab%25c%0D', 'a\nb%c\r'],
    ['::add-mask::', ''],
    ['::warning::x', undefined],
    ['echo ::add-mask::x', undefined],
  ])('reads %j as %j', (line, expected) => {
    expect(parseAddMask(line)).toBe(expected);
  });
});

describe('Masker', () => {
  it('masks the longest value first and every line of a multi-line value', () => {
    const masker = new Masker();
    masker.add('abc');
    masker.add('abcdef');
    masker.add('line one\nline two');
    expect(masker.mask('abcdef abc line two | line one\nline two')).toBe('*** *** *** | ***');
  });

  it('ignores empty values', () => {
    const masker = new Masker();
    masker.add('');
    masker.add('  \n');
    expect(masker.mask('text')).toBe('text');
  });
});

describe('MaskingLineWriter', () => {
  describe('when ::add-mask:: comes before the value', () => {
    it('masks the value, even split over chunks, and does not echo the command', () => {
      const { w, text } = writer();
      w.push('::add-mask::hunter2\nstart ');
      w.push('pass is hun');
      w.push(Buffer.from('ter2 end\n'));
      w.end();
      expect(text()).toBe('start pass is *** end\n');
    });

    it('shares masks between writers (stdout registers, stderr is masked)', () => {
      const masker = new Masker();
      const out = writer(masker);
      const err = writer(masker);
      out.w.push('::add-mask::tok-123\n');
      err.w.push('error: tok-123 rejected\n');
      expect(err.text()).toBe('error: *** rejected\n');
    });
  });

  it('keeps a multi-byte character split over chunks intact', () => {
    const { w, text } = writer();
    const bytes = Buffer.from('grüße\n');
    w.push(bytes.subarray(0, 3));
    w.push(bytes.subarray(3));
    expect(text()).toBe('grüße\n');
  });

  it('writes an unterminated last line at the end', () => {
    const { w, masker, text } = writer();
    masker.add('key');
    w.push('no newline key');
    expect(text()).toBe('');
    w.end();
    expect(text()).toBe('no newline ***');
  });

  describe('when a line is longer than the pending limit', () => {
    it('writes it early without ever splitting a secret', () => {
      const { w, masker, text } = writer();
      const secret = 'S'.repeat(40);
      masker.add(secret);
      const filler = 'x'.repeat(64 * 1024 - 20);
      w.push(filler + secret.slice(0, 30));
      w.push(secret.slice(30) + ' tail');
      w.end();
      expect(text()).toBe(`${filler}*** tail`);
      expect(text()).not.toContain('SSS');
    });
  });
});

describe('MaskingLineWriter debug lines', () => {
  it.each([
    [false, 'info\n'],
    [true, '::debug::detail ***\ninfo\n'],
  ])('with showDebug=%j writes %j', (showDebug, expected) => {
    const masker = new Masker();
    masker.add('tok');
    const written: string[] = [];
    const w = new MaskingLineWriter(masker, (t) => written.push(t), showDebug);
    w.push('::debug::detail tok\ninfo\n');
    expect(written.join('')).toBe(expected);
  });
});
