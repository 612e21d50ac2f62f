import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import {
  directorySource,
  memoryDigestCache,
  MirrorError,
  mirrorModel,
  type DigestCache,
  type ModelSource,
} from '@sovereign-ci/model';
import { RegistryClient } from '@sovereign-ci/oci';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { sha256sums, writeModel } from './generated-model';

const MiB = 1024 * 1024;
const BIG = 'model-00001-of-00001.safetensors';

/** The directory's files, counting how often each is opened. */
async function countedSource(dir: string): Promise<{ source: ModelSource; opens: Map<string, number> }> {
  const source = await directorySource({ dir });
  const opens = new Map<string, number>();
  for (const file of source.files) {
    const open = file.open.bind(file);
    file.open = (signal) => {
      opens.set(file.path, (opens.get(file.path) ?? 0) + 1);
      return open(signal);
    };
  }
  return { source, opens };
}

describe('mirror-model of a directory seen for the first time', () => {
  let reg: TestRegistry;
  let tmp: TempDir;
  let modelDir: string;
  let sums: Record<string, string>;

  beforeAll(async () => {
    reg = await startRegistry('plain');
    tmp = await tempDir('model-one-pass');
    modelDir = path.join(tmp.path, 'one-pass');
    await writeModel(modelDir, { [BIG]: 40 * MiB + 5 });
    sums = await sha256sums(modelDir);
  });
  afterAll(async () => {
    await reg?.stop();
    await tmp?.cleanup();
  });

  const mirror = async (repoName: string, cache: DigestCache | undefined, chunkSize?: number) => {
    const client = new RegistryClient();
    try {
      const { source, opens } = await countedSource(modelDir);
      const result = await mirrorModel(source, client.repository(reg.host, repoName), {
        tag: 'v1',
        ...(cache ? { cache } : {}),
        ...(chunkSize ? { chunkSize } : {}),
        logger: silentLogger,
      });
      return { result, opens, source };
    } finally {
      await client.close();
    }
  };

  describe('with a digest cache', () => {
    it.each([
      { name: 'one PATCH', chunkSize: undefined },
      { name: 'chunks', chunkSize: 8 * MiB },
    ])(
      'reads a large file once ($name), caches its digest, and skips it on the re-run',
      async ({ chunkSize }) => {
        const repo = `models/one-pass-${chunkSize ?? 0}`;
        const cache = memoryDigestCache();
        const first = await mirror(repo, cache, chunkSize);
        expect(first.opens.get(BIG)).toBe(1);
        const big = first.source.files.find((f) => f.path === BIG);
        expect(cache.get(big?.cacheKey as string)).toBe(sums[BIG]);
        expect(first.result.uploadedBytes).toBe(first.result.bytes);

        const { stdout } = await skopeo([
          'inspect',
          '--raw',
          ...skopeoFlags(reg, 'plain'),
          `docker://${reg.host}/${repo}:v1`,
        ]);
        const layers = (
          JSON.parse(stdout) as { layers: { digest: string; annotations: Record<string, string> }[] }
        ).layers;
        expect(
          Object.fromEntries(layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest])),
        ).toEqual(sums);

        const second = await mirror(repo, cache, chunkSize);
        expect(second.result.uploadedBytes).toBe(0);
        expect(second.result.files.find((f) => f.path === BIG)?.status).toBe('exists');
        expect(second.opens.get(BIG)).toBeUndefined();
      },
    );
  });

  describe('without a digest cache', () => {
    it('hashes first, so a blob already in the registry is skipped without uploading', async () => {
      const repo = 'models/no-cache';
      const first = await mirror(repo, undefined);
      expect(first.opens.get(BIG)).toBe(2);
      const second = await mirror(repo, undefined);
      expect(second.result.uploadedBytes).toBe(0);
      expect(second.opens.get(BIG)).toBe(1);
    });
  });

  describe('when the file is longer than it was listed', () => {
    it('fails that file and publishes nothing', async () => {
      const client = new RegistryClient();
      const { source } = await countedSource(modelDir);
      const big = source.files.find((f) => f.path === BIG);
      if (big) big.size -= 1;
      const error = await mirrorModel(source, client.repository(reg.host, 'models/grown'), {
        tag: 'v1',
        cache: memoryDigestCache(),
        logger: silentLogger,
      }).catch((e: unknown) => e);
      await client.close();
      expect(error).toBeInstanceOf(MirrorError);
      expect((error as MirrorError).result.files.find((f) => f.path === BIG)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/more than 41943044 bytes; 41943044 were listed/) as unknown,
      });
      await expect(
        skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/models/grown:v1`]),
      ).rejects.toThrow();
    });
  });
});
