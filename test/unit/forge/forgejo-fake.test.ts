import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';

describe('startFakeForgejo', () => {
  let fake: FakeForgejo;
  beforeEach(async () => {
    fake = await startFakeForgejo();
    fake.addRepo('team', 'app', { a: 'x' });
  });
  afterEach(() => fake.stop());

  const send = (method: string, path: string, body?: unknown, token = fake.token): Promise<Response> =>
    fetch(`${fake.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `token ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  describe('when a request breaks the swagger', () => {
    it.each([
      [
        'an unknown body field',
        'POST',
        '/repos/team/app/pulls',
        { title: 't', head: 'main', base: 'main', draft: true },
        'body must NOT have additional properties',
      ],
      [
        'a wrongly typed body field',
        'POST',
        '/repos/team/app/pulls',
        { title: 1 },
        'body/title must be string',
      ],
      ['a missing required body', 'POST', '/repos/team/app/contents', undefined, 'requires a JSON body'],
      [
        'an undefined query parameter',
        'GET',
        '/repos/team/app/pulls?head=main',
        undefined,
        'query parameter head is not defined',
      ],
      [
        'a bad enum value',
        'GET',
        '/repos/team/app/pulls?state=merged',
        undefined,
        'is not one of open, closed, all',
      ],
      ['a non-integer page', 'GET', '/packages/team?page=two', undefined, 'page=two is not an integer'],
      [
        'an undefined path',
        'GET',
        '/repos/team/app/pulls/1/head/extra',
        undefined,
        'no swagger path matches',
      ],
      ['an undefined method', 'PUT', '/repos/team/app/pulls', {}, 'PUT is not defined'],
    ])('rejects %s and records a violation', async (_name, method, path, body, message) => {
      const res = await send(method, path, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(fake.violations.length).toBe(1);
      expect(fake.violations[0]).toContain(message);
      expect(() => fake.assertClean()).toThrow(message);
    });
  });

  describe('when the token is wrong', () => {
    it('answers 401 without touching state', async () => {
      const res = await send('POST', '/repos/team/app/branches', { new_branch_name: 'x' }, 'wrong');
      expect([res.status, fake.repo('team', 'app').branches.has('x'), fake.violations]).toEqual([
        401,
        false,
        [],
      ]);
    });
  });

  describe('when a request conforms', () => {
    it('answers with a swagger-valid body', async () => {
      const res = await send('POST', '/repos/team/app/branches', {
        new_branch_name: 'x',
        old_ref_name: 'main',
      });
      const body = (await res.json()) as { name: string };
      expect([res.status, body.name, fake.violations]).toEqual([201, 'x', []]);
    });
  });
});
