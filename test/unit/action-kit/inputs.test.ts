import { describe, expect, it } from 'vitest';
import {
  InputError,
  inputEnvName,
  parseDuration,
  readBoolean,
  readDuration,
  readEnum,
  readInt,
  readLines,
  readList,
  readMap,
  readRequired,
  readString,
  setSecretMasker,
  splitList,
} from '@sovereign-ci/action-kit';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('inputEnvName', () => {
  it.each([
    ['registry', 'INPUT_REGISTRY'],
    ['dry-run', 'INPUT_DRY-RUN'],
    ['signature-repository', 'INPUT_SIGNATURE-REPOSITORY'],
    ['with space', 'INPUT_WITH_SPACE'],
  ])('maps %s to %s', (name, env) => {
    expect(inputEnvName(name)).toBe(env);
  });
});

describe('readString', () => {
  describe('when the input is unset or blank', () => {
    it('returns the default', () => {
      expect(readString({}, 'tag', { default: 'latest' })).toBe('latest');
      expect(readString({ INPUT_TAG: '   ' }, 'tag')).toBeUndefined();
    });
  });
  describe('when the input is a secret', () => {
    it('masks the value and each of its lines as it is read', () => {
      const masked: string[] = [];
      setSecretMasker((value) => masked.push(value));
      const pem = '-----BEGIN KEY-----\nabcdefgh\n-----END KEY-----';
      expect(readString({ INPUT_KEY: pem }, 'key', { secret: true })).toBe(pem);
      expect(masked).toEqual([pem, '-----BEGIN KEY-----', 'abcdefgh', '-----END KEY-----']);
    });
  });
  it('keeps white space when asked', () => {
    expect(readString({ INPUT_PASSWORD: ' p w ' }, 'password', { keepWhitespace: true })).toBe(' p w ');
  });
});

describe('readRequired', () => {
  it('names the input when it is missing', () => {
    const error = errorOf(() => readRequired({}, 'images'));
    expect({ input: error.input, message: error.message }).toEqual({
      input: 'images',
      message: "input 'images': is required but was not set",
    });
  });
});

describe('readBoolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('reads %s', (value, expected) => {
    expect(readBoolean({ 'INPUT_DRY-RUN': value }, 'dry-run', !expected)).toBe(expected);
  });
  it('uses the default when unset', () => {
    expect(readBoolean({}, 'push', true)).toBe(true);
  });
  it.each(['yes', 'no', '1', 'on', 'tru'])('refuses %s naming the input', (value) => {
    expect(errorOf(() => readBoolean({ INPUT_PUSH: value }, 'push', true)).message).toBe(
      `input 'push': expected true or false, got '${value}'`,
    );
  });
});

describe('readList', () => {
  it.each([
    ['a,b', ['a', 'b']],
    ['a\nb\r\nc', ['a', 'b', 'c']],
    [' a , b \n\n c ', ['a', 'b', 'c']],
    ['**/*.{yml,yaml},Dockerfile', ['**/*.{yml,yaml}', 'Dockerfile']],
    ['', []],
  ])('splits %j', (value, expected) => {
    expect(splitList(value)).toEqual(expected);
    expect(readList({ INPUT_PATHS: value }, 'paths')).toEqual(expected);
  });
});

describe('readLines', () => {
  it('keeps commas and drops comments', () => {
    expect(readLines({ INPUT_X: 'A=1,2\n# note\n\nB=x y' }, 'x')).toEqual(['A=1,2', 'B=x y']);
  });
});

describe('readInt', () => {
  it('reads a number within bounds', () => {
    expect(readInt({ INPUT_KEEP: '7' }, 'keep', { default: 5, min: 1, max: 100 })).toBe(7);
    expect(readInt({}, 'keep', { default: 5 })).toBe(5);
  });
  it.each([
    ['abc', "input 'keep': expected a whole number, got 'abc'"],
    ['1.5', "input 'keep': expected a whole number, got '1.5'"],
    ['0', "input 'keep': must be at least 1, got 0"],
    ['101', "input 'keep': must be at most 100, got 101"],
    ['99999999999999999999', "input 'keep': '99999999999999999999' is out of range"],
  ])('refuses %s', (value, message) => {
    expect(
      errorOf(() => readInt({ INPUT_KEEP: value }, 'keep', { default: 5, min: 1, max: 100 })).message,
    ).toBe(message);
  });
});

describe('readEnum', () => {
  it('reads an allowed value and refuses others', () => {
    expect(readEnum({ INPUT_FORMAT: 'bundle' }, 'format', ['legacy', 'bundle'], 'legacy')).toBe('bundle');
    expect(readEnum({}, 'format', ['legacy', 'bundle'], 'legacy')).toBe('legacy');
    expect(
      errorOf(() => readEnum({ INPUT_FORMAT: 'x' }, 'format', ['legacy', 'bundle'], 'legacy')).message,
    ).toBe("input 'format': expected one of legacy, bundle, got 'x'");
  });
});

describe('readDuration', () => {
  it.each([
    ['30', 30_000],
    ['30s', 30_000],
    ['250ms', 250],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1.5s', 1500],
  ])('parses %s', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
    expect(readDuration({ INPUT_WAIT: value }, 'wait', 0)).toBe(ms);
  });
  it.each(['5 minutes', 'm', '1x', '-1s', 's5'])('refuses %s', (value) => {
    expect(errorOf(() => readDuration({ INPUT_WAIT: value }, 'wait', 0)).message).toBe(
      `input 'wait': expected a duration such as 30s, 5m or 1h30m, got '${value}'`,
    );
  });
});

describe('readMap', () => {
  it('reads KEY=value lines with values intact', () => {
    expect(readMap({ 'INPUT_BUILD-ARGS': 'A=1\nMSG=hello world\nURL=a=b,c' }, 'build-args')).toEqual({
      A: '1',
      MSG: 'hello world',
      URL: 'a=b,c',
    });
  });
  it.each(['novalue', '=x'])('refuses %s', (line) => {
    expect(errorOf(() => readMap({ INPUT_LABELS: line }, 'labels')).message).toBe(
      `input 'labels': expected KEY=value, got '${line}'`,
    );
  });
});
