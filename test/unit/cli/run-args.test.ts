import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../../cli/commands/run';
import { UsageError } from '../../../cli/errors';

describe('parseRunArgs', () => {
  describe('when the arguments are valid', () => {
    it.each([
      [['login'], { action: 'login', inputs: {}, env: {}, json: false, keepTemp: false }],
      [
        ['sign', '--with', 'image=a@sha256:1', '-w', 'dry-run=true', '--json'],
        {
          action: 'sign',
          inputs: { image: 'a@sha256:1', 'dry-run': 'true' },
          env: {},
          json: true,
          keepTemp: false,
        },
      ],
      [
        [
          '--with=tags=a',
          'build-push',
          '--with',
          'tags=b',
          '--env',
          'DOCKER_CONFIG=/d',
          '-e',
          'X=1',
          '--keep-temp',
        ],
        {
          action: 'build-push',
          inputs: { tags: 'a\nb' },
          env: { DOCKER_CONFIG: '/d', X: '1' },
          json: false,
          keepTemp: true,
        },
      ],
      [
        ['--action-dir', 'some/dir'],
        { actionDir: 'some/dir', inputs: {}, env: {}, json: false, keepTemp: false },
      ],
    ])('parses %j', (args, expected) => {
      expect(parseRunArgs(args)).toEqual(expected);
    });
  });

  describe('when the arguments are wrong', () => {
    it.each([
      [[], 'run needs an action name (or --action-dir DIR)'],
      [['a', 'b'], 'run takes one action, got: a b'],
      [['a', '--with', 'novalue'], '--with expects key=value, got "novalue"'],
      [['a', '--env', '=1'], '--env expects key=value, got "=1"'],
    ])('rejects %j', (args, message) => {
      expect(() => parseRunArgs(args)).toThrow(new UsageError(message));
    });

    it('rejects unknown options', () => {
      expect(() => parseRunArgs(['a', '--wiht', 'x=1'])).toThrow(UsageError);
      expect(() => parseRunArgs(['a', '--wiht', 'x=1'])).toThrow(/--wiht/);
    });
  });
});
