import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import { HubClient, HuggingFaceError, huggingFaceSource, nextLink, parseHfUrl } from '@sovereign-ci/model';
import { fixturePath } from '../../harness/fixtures';
import { startHfFake, type HfFake } from '../../harness/hf-fake';
import { tempDir, type TempDir } from '../../harness/temp';

const recorded = (name: string) =>
  JSON.parse(readFileSync(fixturePath('huggingface', 'api-responses', name), 'utf8')) as unknown;
const TOKEN = 'hf_unitTestToken42';

describe('huggingFaceSource', () => {
  let tmp: TempDir;
  let fake: HfFake;
  let client: HubClient | undefined;
  const content: Record<string, Buffer> = {
    'config.json': Buffer.from('{"hidden_size":8}'),
    'sub/dir/tokenizer.json': Buffer.from('{"v":1}'),
    'model.safetensors': Buffer.alloc(3000, 7),
    'big/weights.onnx': Buffer.alloc(5000, 1),
  };

  beforeAll(async () => {
    tmp = await tempDir('hf-unit');
    for (const [rel, bytes] of Object.entries(content)) {
      await mkdir(path.dirname(path.join(tmp.path, rel)), { recursive: true });
      await writeFile(path.join(tmp.path, rel), bytes);
    }
    fake = await startHfFake({
      repo: 'acme/unit',
      dir: tmp.path,
      lfsThreshold: 4096,
      pageSize: 2,
      requireToken: TOKEN,
      refs: ['v2'],
    });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  afterAll(async () => {
    await fake?.stop();
    await tmp?.cleanup();
  });

  describe('when the fake answers in the recorded shapes', () => {
    it('has the top-level keys of the recorded model info, and tree entries with the recorded keys', async () => {
      const res = await fetch(`${fake.url}/api/models/acme/unit/revision/main`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.headers.get('x-repo-commit')).toBe(fake.commit);
      expect(Object.keys((await res.json()) as object).sort()).toEqual(
        Object.keys(recorded('models_google_bert_bert_base_uncased.json') as object).sort(),
      );
      const tree = (await (
        await fetch(`${fake.url}/api/models/acme/unit/tree/main?recursive=true`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as object[];
      const recordedKeys = new Set(
        (
          recorded(
            'models_google-bert_bert-base-uncased_tree_dd4bc8b21efa05ec961e3efc4ee5e3832a3679c7.json',
          ) as object[]
        ).flatMap((e) => Object.keys(e)),
      );
      for (const entry of tree) for (const key of Object.keys(entry)) expect(recordedKeys).toContain(key);
    });
  });

  describe('when a tag is resolved and the listing is paginated', () => {
    it('lists every file at the commit with sizes, LFS sha256 and git ids', async () => {
      client = new HubClient({ endpoint: fake.url, token: TOKEN });
      const source = await huggingFaceSource({ repo: 'acme/unit', revision: 'v2', client });
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect({ ...source, files: undefined }).toEqual({
        kind: 'huggingface',
        name: 'acme/unit',
        url: `${fake.url}/acme/unit`,
        revision: fake.commit,
        created: fake.lastModified,
        files: undefined,
      });
      expect(source.files.map((f) => [f.path, f.size, f.publishedDigest, f.gitOid])).toEqual([
        ['big/weights.onnx', 5000, `sha256:${sha(content['big/weights.onnx'] as Buffer)}`, undefined],
        ['config.json', 17, undefined, fake.files.find((f) => f.path === 'config.json')?.gitOid],
        ['model.safetensors', 3000, `sha256:${sha(content['model.safetensors'] as Buffer)}`, undefined],
        [
          'sub/dir/tokenizer.json',
          7,
          undefined,
          fake.files.find((f) => f.path === 'sub/dir/tokenizer.json')?.gitOid,
        ],
      ]);
      expect(fake.requests.filter((r) => r.url.includes('/tree/')).length).toBeGreaterThanOrEqual(3);
    });

    it('downloads LFS files from the CDN without the token', async () => {
      client = new HubClient({ endpoint: fake.url, token: TOKEN });
      const source = await huggingFaceSource({ repo: 'acme/unit', client });
      const lfs = source.files.find((f) => f.path === 'model.safetensors');
      const chunks: Buffer[] = [];
      for await (const c of await (lfs?.open() ?? Promise.reject(new Error('missing'))))
        chunks.push(c as Buffer);
      expect(Buffer.concat(chunks)).toEqual(content['model.safetensors']);
      expect(fake.cdnRequests.length).toBeGreaterThan(0);
      expect(fake.cdnRequests.filter((r) => r.authorization)).toEqual([]);
    });
  });

  describe('when the Hub refuses', () => {
    it.each([
      ['no token', undefined, 'main', /^401 .*gated or private: set hf-token/],
      ['a wrong token', 'hf_wrongwrongwrong', 'main', /^403 .*no access to acme\/unit/],
      ['an unknown revision', TOKEN, 'nope', /^404 .*Invalid rev id: nope.*no such branch, tag or commit/],
    ])('with %s it says why, without the token', async (_name, token, revision, message) => {
      client = new HubClient({ endpoint: fake.url, ...(token ? { token } : {}) });
      const error = (await huggingFaceSource({ repo: 'acme/unit', revision, client }).catch(
        (e: unknown) => e,
      )) as HuggingFaceError;
      expect(error).toBeInstanceOf(HuggingFaceError);
      expect(error.message).toMatch(message);
      if (token) expect(error.message).not.toContain(token);
    });
  });
});

describe('parseHfUrl', () => {
  it.each([
    ['hf://meta-llama/Llama-3.1-8B', { repo: 'meta-llama/Llama-3.1-8B' }],
    ['hf://models/acme/x', { repo: 'acme/x' }],
    ['hf://gpt2', { repo: 'gpt2' }],
    ['hf://a/b/c', undefined],
    ['hf://../x', undefined],
    ['https://huggingface.co/a/b', undefined],
  ])('%s is %j', (value, parsed) => {
    expect(parseHfUrl(value)).toEqual(parsed);
  });
});

describe('nextLink', () => {
  const base = new URL('https://huggingface.co/api/models/a/b/tree/main?recursive=true');
  it.each([
    [
      '<https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=xyz>; rel="next"',
      'https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=xyz',
    ],
    [
      '</api/models/a/b/tree/main?cursor=2>; rel="next", <https://huggingface.co/x>; rel="prev"',
      'https://huggingface.co/api/models/a/b/tree/main?cursor=2',
    ],
    ['<https://huggingface.co/x>; rel="prev"', undefined],
    [undefined, undefined],
  ])('%s -> %s', (link, next) => {
    expect(nextLink(link, base)?.toString()).toBe(next);
  });

  it('refuses to paginate to another host (the token would follow)', () => {
    expect(() => nextLink('<https://evil.example/x>; rel="next"', base)).toThrow(/another host/);
  });
});

describe('HubClient', () => {
  describe('when a token would go to a plain-http endpoint', () => {
    it.each([
      ['http://hf.internal:8080', true],
      ['https://hf.internal', false],
      ['http://127.0.0.1:9', false],
    ])('%s warns: %s', async (endpoint, warns) => {
      const logger = recordingLogger();
      const client = new HubClient({ endpoint, token: 'hf_secretToken123', logger });
      await client.close();
      expect(logger.lines.filter((l) => l.startsWith('warning'))).toEqual(
        warns
          ? [
              'warning: hf-endpoint hf.internal:8080 is plain http: the hf-token crosses the network unencrypted',
            ]
          : [],
      );
      expect(logger.lines.join('\n')).not.toContain('hf_secretToken123');
    });
  });
});
