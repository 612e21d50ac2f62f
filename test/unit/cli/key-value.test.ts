import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/errors';
import { collectKeyValues, parseKeyValue } from '../../../cli/key-value';

describe('parseKeyValue', () => {
  it.each([
    ['a=b', ['a', 'b']],
    ['a=', ['a', '']],
    ['url=http://x?y=z', ['url', 'http://x?y=z']],
    ['text=line1\nline2', ['text', 'line1\nline2']],
  ])('splits %j at the first =', (pair, expected) => {
    expect(parseKeyValue(pair, '--with')).toEqual(expected);
  });

  it.each(['novalue', '=x', ''])('rejects %j', (pair) => {
    expect(() => parseKeyValue(pair, '--with')).toThrow(
      new UsageError(`--with expects key=value, got ${JSON.stringify(pair)}`),
    );
  });
});

describe('collectKeyValues', () => {
  it('joins repeated keys with a newline in join mode', () => {
    expect(collectKeyValues(['tags=a', 'x=1', 'tags=b'], '--with', 'join')).toEqual({ tags: 'a\nb', x: '1' });
  });

  it('keeps the last value in last mode', () => {
    expect(collectKeyValues(['A=1', 'A=2'], '--env', 'last')).toEqual({ A: '2' });
  });
});
