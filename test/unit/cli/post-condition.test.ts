import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/errors';
import { shouldRunPost } from '../../../cli/post-condition';

describe('shouldRunPost', () => {
  it.each([
    [undefined, 0, true],
    [undefined, 1, true],
    ['always()', 1, true],
    ['success()', 0, true],
    ['success()', 1, false],
    ['${{ success() }}', 1, false],
    ['failure()', 0, false],
    ['failure()', 2, true],
    ['cancelled()', 0, false],
  ])('post-if %j after exit %d -> %j', (postIf, exit, expected) => {
    expect(shouldRunPost(postIf, exit)).toBe(expected);
  });

  it('rejects conditions it cannot evaluate', () => {
    expect(() => shouldRunPost("github.event_name == 'push'", 0)).toThrow(
      new UsageError(
        "post-if: github.event_name == 'push' is not supported by the CLI (use always(), success() or failure())",
      ),
    );
  });
});
