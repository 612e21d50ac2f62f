import { describe, expect, it } from 'vitest';
import { parseRemoteUrl } from '../../../cli/git-context';

describe('parseRemoteUrl', () => {
  it.each([
    [
      'https://git.example.org/infra/sovereign-ci.git',
      { serverUrl: 'https://git.example.org', repository: 'infra/sovereign-ci' },
    ],
    ['http://localhost:3000/a/b', { serverUrl: 'http://localhost:3000', repository: 'a/b' }],
    ['https://user:pw@git.example.org/a/b/', { serverUrl: 'https://git.example.org', repository: 'a/b' }],
    [
      'git@git.example.org:infra/sovereign-ci.git',
      { serverUrl: 'https://git.example.org', repository: 'infra/sovereign-ci' },
    ],
    [
      'ssh://git@git.example.org:2222/infra/repo.git',
      { serverUrl: 'https://git.example.org', repository: 'infra/repo' },
    ],
    ['/srv/git/repo.git', undefined],
    ['https://git.example.org/only-one', undefined],
  ])('reads %s', (url, expected) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });
});
