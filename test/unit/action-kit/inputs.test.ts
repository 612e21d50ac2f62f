import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  actionsCoreCommands,
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
  readRegistryTrust,
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

afterEach(() => {
  setSecretMasker((value) => actionsCoreCommands.setSecret(value));
});

function recordMasks(): string[] {
  const masked: string[] = [];
  setSecretMasker((value) => masked.push(value));
  return masked;
}

describe('secret inputs', () => {
  describe('when read with secret: true', () => {
    it('masks them with every reader that takes the option, before returning', () => {
      const masked = recordMasks();
      const env = { INPUT_PASSWORD: ' s3cr3t-pw ', INPUT_TOKENS: 'tok-aaaa,tok-bbbb' };
      expect(readRequired(env, 'password', { secret: true, keepWhitespace: true })).toBe(' s3cr3t-pw ');
      expect(readList(env, 'tokens', { secret: true })).toEqual(['tok-aaaa', 'tok-bbbb']);
      expect(masked).toEqual([' s3cr3t-pw ', 's3cr3t-pw', 'tok-aaaa,tok-bbbb', 'tok-aaaa', 'tok-bbbb']);
    });
  });
  describe('when a secret list has one item a line', () => {
    it('masks each item once, and no piece too short to be worth hiding', () => {
      const masked = recordMasks();
      expect(readList({ INPUT_KEYS: 'key-one\nkey-two\nkey-one\nab' }, 'keys', { secret: true })).toEqual([
        'key-one',
        'key-two',
        'key-one',
        'ab',
      ]);
      expect(masked).toEqual(['key-one\nkey-two\nkey-one\nab', 'key-one', 'key-two']);
    });
  });
  describe('when not secret, unset, or left at the default', () => {
    it('masks nothing', () => {
      const masked = recordMasks();
      readString({ INPUT_USER: 'me' }, 'user');
      readString({}, 'password', { secret: true, default: 'from-action-yml' });
      readString({ INPUT_PASSWORD: '  ' }, 'password', { secret: true });
      expect(masked).toEqual([]);
    });
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
      const masked = recordMasks();
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
    ['+7', 7],
    ['-0', -0],
    [' 42 ', 42],
  ])('reads %j', (value, expected) => {
    expect(readInt({ INPUT_KEEP: value }, 'keep', { default: 5 })).toBe(expected);
  });
  it.each([
    ['abc', "input 'keep': expected a whole number, got 'abc'"],
    ['1e3', "input 'keep': expected a whole number, got '1e3'"],
    ['0x10', "input 'keep': expected a whole number, got '0x10'"],
    ['-1', "input 'keep': must be at least 1, got -1"],
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
  it('skips blank lines and comments, trims around the key, and lets a later key win', () => {
    expect(readMap({ INPUT_LABELS: '# team labels\n\n a = 1\nb=\na=2' }, 'labels')).toEqual({
      a: '2',
      b: '',
    });
  });
  it('is empty when unset', () => {
    expect(readMap({}, 'labels')).toEqual({});
  });
  it.each([
    ['novalue', 'novalue'],
    ['=x', '=x'],
    ['a=1\n = x', '= x'],
  ])('refuses %j naming the bad line', (value, line) => {
    expect(errorOf(() => readMap({ INPUT_LABELS: value }, 'labels')).message).toBe(
      `input 'labels': expected KEY=value, got '${line}'`,
    );
  });
});

describe('readRegistryTrust', () => {
  it('reads an existing CA file and the insecure registries', () => {
    expect(
      readRegistryTrust({
        'INPUT_CA-FILE': fileURLToPath(import.meta.url),
        'INPUT_INSECURE-REGISTRIES': 'a:5000\nb',
      }),
    ).toEqual({ caFile: fileURLToPath(import.meta.url), insecureRegistries: ['a:5000', 'b'] });
    expect(readRegistryTrust({})).toEqual({ insecureRegistries: [] });
  });
  it.each([
    [{ 'INPUT_CA-FILE': '/nonexistent/ca.pem' }, "input 'ca-file': /nonexistent/ca.pem does not exist"],
    [
      { 'INPUT_INSECURE-REGISTRIES': 'harbor.lab/team' },
      "input 'insecure-registries': expected registry hosts such as harbor.lab:5000, got 'harbor.lab/team'",
    ],
  ])('refuses %j', (env, message) => {
    expect(errorOf(() => readRegistryTrust(env)).message).toBe(message);
  });
});
