import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { run as mirror } from '../../../actions/mirror-model/src/run';
import { run as pull } from '../../../actions/pull-model/src/run';
import { startHfFake, type HfFake, type HfFakeOptions } from '../../harness/hf-fake';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { runStep, sha256sums, writeModel } from './generated-model';

const MiB = 1024 * 1024;
const TOKEN = 'hf_fakeTokenForTests0123456789';

interface RawManifest {
  layers: { digest: string; annotations: Record<string, string> }[];
  annotations: Record<string, string>;
}

describe('mirror-model from Hugging Face', () => {
  let reg: TestRegistry;
  let tmp: TempDir;
  let modelDir: string;
  let sums: Record<string, string>;
  let hf: HfFake | undefined;

  const start = async (options: Partial<HfFakeOptions> = {}) => {
    hf = await startHfFake({
      repo: 'acme/tiny-llm',
      dir: modelDir,
      pageSize: 4,
      requireToken: TOKEN,
      refs: ['v1.0'],
      ...options,
    });
    return hf;
  };
  const runMirror = async (inputs: Record<string, string>) => {
    const commands = await runStep(
      mirror,
      { source: 'hf://acme/tiny-llm', 'hf-endpoint': hf?.url ?? '', 'digest-cache': 'false', ...inputs },
      tmp.path,
    );
    return commands;
  };
  const blobStored = (digest: string) =>
    existsSync(
      path.join(
        reg.dataDir,
        'docker',
        'registry',
        'v2',
        'blobs',
        'sha256',
        digest.slice(7, 9),
        digest.slice(7),
        'data',
      ),
    );

  beforeAll(async () => {
    setSecretMasker(() => {});
    reg = await startRegistry('plain');
    tmp = await tempDir('model-hf');
    modelDir = path.join(tmp.path, 'upstream');
    await writeModel(modelDir, {
      'model-00001-of-00002.safetensors': 24 * MiB + 5,
      'model-00002-of-00002.safetensors': 6 * MiB,
      'onnx/model.onnx': 2 * MiB + 1,
    });
    sums = await sha256sums(modelDir);
  });
  afterEach(async () => {
    await hf?.stop();
    hf = undefined;
  });
  afterAll(async () => {
    await reg?.stop();
    await tmp?.cleanup();
  });

  describe('when the revision is a tag and the model needs a token', () => {
    it('records the commit, matches every LFS sha256, and never sends the token to the CDN', async () => {
      const fake = await start();
      const commands = await runMirror({
        revision: 'v1.0',
        'hf-token': TOKEN,
        destination: `${reg.host}/hf/tiny-llm:v1.0`,
        'chunk-size': '8MiB',
      });
      expect(commands.failed).toEqual([]);
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/hf/tiny-llm:v1.0`,
      ]);
      const manifest = JSON.parse(stdout) as RawManifest;
      expect(
        Object.fromEntries(
          manifest.layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest]),
        ),
      ).toEqual(sums);
      for (const f of fake.files.filter((x) => x.lfs)) expect(sums[f.path]).toBe(`sha256:${f.sha256}`);
      expect(manifest.annotations).toEqual({
        'org.opencontainers.image.created': fake.lastModified,
        'org.opencontainers.image.source': `${fake.url}/acme/tiny-llm`,
        'org.opencontainers.image.revision': fake.commit,
      });
      // paginated listing was followed, LFS files went through the CDN, without credentials
      expect(fake.requests.filter((r) => r.url.includes('/tree/')).length).toBeGreaterThan(2);
      expect(fake.cdnRequests.map((r) => r.url.split('/').pop()).sort()).toEqual(
        fake.files
          .filter((f) => f.lfs)
          .map((f) => f.sha256)
          .sort(),
      );
      expect(fake.cdnRequests.filter((r) => r.authorization)).toEqual([]);
      expect(fake.requests.every((r) => r.authorization)).toBe(true);
      expect(commands.lines.join('\n')).not.toContain(TOKEN);

      const out = path.join(tmp.path, 'pulled-hf');
      const pulled = await runStep(pull, { reference: `${reg.host}/hf/tiny-llm:v1.0`, path: out }, tmp.path);
      expect(pulled.failed).toEqual([]);
      expect(await sha256sums(out)).toEqual(sums);
    });

    it('downloads no LFS file again on a re-run and uploads 0 bytes', async () => {
      const fake = await start();
      const commands = await runMirror({
        revision: 'v1.0',
        'hf-token': TOKEN,
        destination: `${reg.host}/hf/tiny-llm:v1.0`,
      });
      expect(commands.failed).toEqual([]);
      expect(commands.outputs['uploaded-bytes']).toBe('0');
      expect(fake.cdnRequests).toEqual([]);
    });
  });

  describe('when the upstream bytes differ from the published sha256', () => {
    it('fails that file, stores no blob for it and publishes no manifest', async () => {
      // content never pushed before (blob storage is shared by all repositories of the registry)
      const dir = path.join(tmp.path, 'corrupt-upstream');
      await writeModel(dir, {
        'model-00001-of-00002.safetensors': 3 * MiB,
        'model-00002-of-00002.safetensors': 5 * MiB + 3,
      });
      const fake = await start({ dir, corrupt: ['model-00002-of-00002.safetensors'] });
      const bad = fake.files.find((f) => f.path === 'model-00002-of-00002.safetensors');
      const good = fake.files.find((f) => f.path === 'model-00001-of-00002.safetensors');
      const commands = await runMirror({ 'hf-token': TOKEN, destination: `${reg.host}/hf/corrupt:v1` });
      expect(commands.failed).toHaveLength(1);
      expect(commands.failed[0]).toMatch(/model-00002-of-00002\.safetensors.*published.*refusing/s);
      expect(commands.failed[0]).toMatch(/nothing was published/);
      expect(blobStored(`sha256:${bad?.sha256 ?? ''}`)).toBe(false);
      expect(blobStored(`sha256:${good?.sha256 ?? ''}`)).toBe(true);
      await expect(
        skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/hf/corrupt:v1`]),
      ).rejects.toThrow();
    });
  });

  describe('when a large file is not in LFS (no published sha256)', () => {
    it('checks it against its git blob id, and refuses it when the bytes differ', async () => {
      const dir = path.join(tmp.path, 'no-lfs');
      await writeModel(dir, { 'big.onnx': 17 * MiB + 9 });
      const expected = await sha256sums(dir);
      let fake = await start({ dir, lfsThreshold: 1024 * MiB, requireToken: undefined });
      expect(fake.files.filter((f) => f.lfs)).toEqual([]);
      const ok = await runMirror({ destination: `${reg.host}/hf/no-lfs:v1` });
      expect(ok.failed).toEqual([]);
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/hf/no-lfs:v1`,
      ]);
      const manifest = JSON.parse(stdout) as RawManifest;
      expect(
        Object.fromEntries(
          manifest.layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest]),
        ),
      ).toEqual(expected);
      await fake.stop();

      await writeModel(dir, { 'big.onnx': 17 * MiB + 9 });
      fake = await start({ dir, lfsThreshold: 1024 * MiB, requireToken: undefined, corrupt: ['big.onnx'] });
      const bad = await runMirror({ destination: `${reg.host}/hf/no-lfs-bad:v1` });
      expect(bad.failed[0]).toMatch(/big\.onnx.*git blob id.*refusing/s);
    });
  });

  describe('when the model is gated', () => {
    it.each([
      { token: undefined, status: '401', hint: /gated or private: set hf-token/ },
      {
        token: 'hf_wrongTokenWrongToken1234',
        status: '403',
        hint: /no access to acme\/tiny-llm.*accept its terms/,
      },
    ])('explains a $status without printing the token', async ({ token, status, hint }) => {
      await start();
      const commands = await runMirror({
        destination: `${reg.host}/hf/gated:v1`,
        ...(token ? { 'hf-token': token } : {}),
      });
      expect(commands.failed).toHaveLength(1);
      expect(commands.failed[0]).toContain(status);
      expect(commands.failed[0]).toMatch(hint);
      if (token) expect(commands.failed[0]).not.toContain(token);
      expect(commands.failed[0]).not.toContain(TOKEN);
    });
  });

  describe('when include and exclude select files and the repository was renamed', () => {
    it('follows the rename and mirrors only the selected files', async () => {
      await start({ renamedFrom: 'acme/old-name', requireToken: undefined });
      const commands = await runStep(
        mirror,
        {
          source: 'hf://acme/old-name',
          'hf-endpoint': hf?.url ?? '',
          destination: `${reg.host}/hf/selected:v1`,
          include: '*.json,tokenizer/**',
          exclude: 'generation_config.json',
        },
        tmp.path,
      );
      expect(commands.failed).toEqual([]);
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/hf/selected:v1`,
      ]);
      const titles = (JSON.parse(stdout) as RawManifest).layers.map(
        (l) => l.annotations['org.opencontainers.image.title'],
      );
      expect(titles).toEqual([
        'config.json',
        'model.safetensors.index.json',
        'tokenizer/special_tokens_map.json',
        'tokenizer/tokenizer.json',
      ]);
    });
  });
});
