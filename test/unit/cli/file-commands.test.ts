import { describe, expect, it } from 'vitest';
import { parseFileCommand, parsePathFile } from '../../../cli/file-commands';

describe('parseFileCommand', () => {
  describe('when the file holds name=value lines and heredocs', () => {
    it.each([
      ['empty file', '', {}],
      ['one value', 'a=1\n', { a: '1' }],
      ['value with =', 'url=http://x/?a=b\n', { url: 'http://x/?a=b' }],
      ['empty value', 'a=\n', { a: '' }],
      ['later wins', 'a=1\na=2\n', { a: '2' }],
      ['CRLF', 'a=1\r\nb=2\r\n', { a: '1', b: '2' }],
      [
        'heredoc as @actions/core writes it',
        'lines<<ghadelimiter_1\nfirst\nsecond = 2\n\nlast\nghadelimiter_1\nnext=x\n',
        { lines: 'first\nsecond = 2\n\nlast', next: 'x' },
      ],
      ['empty heredoc', 'a<<EOF\nEOF\n', { a: '' }],
      ['= before << is a plain value', 'a=b<<c\n', { a: 'b<<c' }],
      ['<< before = is a heredoc', 'a<<E=\nx=y\nE=\n', { a: 'x=y' }],
    ])('parses %s', (_name, content, expected) => {
      expect(parseFileCommand(content)).toEqual(expected);
    });
  });

  describe('when the file is malformed', () => {
    it.each([
      ['an unterminated heredoc', 'a<<EOF\nvalue\n', 'GITHUB_OUTPUT: no closing delimiter EOF for a'],
      [
        'a line without = or <<',
        'nonsense\n',
        'GITHUB_OUTPUT: line 1 is neither name=value nor name<<DELIMITER: "nonsense"',
      ],
      ['a value without a name', '=x\n', 'GITHUB_OUTPUT: line 1 has no name: "=x"'],
      ['a heredoc without delimiter', 'a<<\n', 'GITHUB_OUTPUT: line 1 is not name<<DELIMITER: "a<<"'],
    ])('rejects %s', (_name, content, message) => {
      expect(() => parseFileCommand(content, 'GITHUB_OUTPUT')).toThrow(new Error(message));
    });
  });
});

describe('parsePathFile', () => {
  it('returns one directory a line, skipping blank lines', () => {
    expect(parsePathFile('/a/bin\n\n/b/bin\r\n')).toEqual(['/a/bin', '/b/bin']);
  });
});
