import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { byteBudget, mirrorModel, SMALL_FILE_BUDGET, type ModelSource } from '@sovereign-ci/model';
import type { BlobSource, Descriptor, Repository } from '@sovereign-ci/oci';

const MiB = 1024 * 1024;

/** A repository whose blob pushes read their source, then wait until `release()` is called. */
function holdingRepository() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const pushed: string[] = [];
  const repo = {
    registry: 'registry.test',
    name: 'models/held',
    blobs: {
      exists: () => Promise.resolve(undefined),
      push: async (d: Descriptor, source: BlobSource) => {
        if (!Buffer.isBuffer(source)) for await (const chunk of source()) void chunk;
        await released;
        pushed.push(d.digest);
      },
    },
    manifests: {
      push: (mediaType: string, bytes: Buffer) =>
        Promise.resolve({ mediaType, digest: 'sha256:' + '0'.repeat(64), size: bytes.length }),
    },
  } as unknown as Repository;
  return { repo, release, pushed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('mirrorModel', () => {
  describe('when many small files without a published digest transfer at once', () => {
    it('holds no more than the small-file budget in memory', async () => {
      const size = 12 * MiB;
      let opened = 0;
      const source: ModelSource = {
        kind: 'directory',
        name: 'many-small',
        files: Array.from({ length: 8 }, (_, i) => ({
          path: `part-${i}.json`,
          size,
          open: () => {
            opened++;
            return Promise.resolve(Readable.from([Buffer.alloc(size, i)]));
          },
        })),
      };
      const { repo, release, pushed } = holdingRepository();
      const mirrored = mirrorModel(source, repo, { concurrency: 8, logger: silentLogger });
      await settle();
      const openedWhileHeld = opened;
      release();
      const result = await mirrored;
      expect({ openedWhileHeld, pushed: pushed.length, uploaded: result.uploadedBytes }).toEqual({
        openedWhileHeld: Math.floor(SMALL_FILE_BUDGET / size),
        pushed: 8 + 1,
        uploaded: 8 * size,
      });
    });
  });
});

describe('byteBudget', () => {
  describe('when requests exceed the limit', () => {
    it('grants them in order as earlier ones are released', async () => {
      const budget = byteBudget(10);
      const order: string[] = [];
      const a = await budget.acquire(6);
      const b = budget.acquire(6).then((r) => (order.push('b'), r));
      const c = budget.acquire(2).then((r) => (order.push('c'), r));
      await settle();
      expect(order).toEqual([]);
      a();
      (await b)();
      (await c)();
      expect(order).toEqual(['b', 'c']);
      const whole = await budget.acquire(100);
      whole();
    });
  });
});
