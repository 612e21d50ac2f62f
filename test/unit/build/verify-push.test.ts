import { describe, expect, it } from 'vitest';
import { GateError, recordingLogger } from '@sovereign-ci/action-kit';
import { verifyPushed, type PushedImageStore } from '@sovereign-ci/build';

const GOOD = `sha256:${'1'.repeat(64)}`;
const OLD = `sha256:${'2'.repeat(64)}`;
const A = 'harbor.lab/infra/app';
const B = 'git.example.org/infra/app';

/** An in-memory pair of registries: tags -> digests, copies honoured unless the target refuses writes. */
function memoryStore(
  initial: Record<string, string>,
  options: { readOnly?: string[]; failing?: string[] } = {},
) {
  const tags = new Map(Object.entries(initial));
  const copies: string[] = [];
  const store: PushedImageStore = {
    async resolve(image, tag) {
      if (options.failing?.includes(image)) throw new Error('GET https://x/v2/ returned 503\nmore');
      return tags.get(`${image}:${tag}`);
    },
    async copy(source, digest, target, tag) {
      copies.push(`${source}@${digest} -> ${target}:${tag}`);
      if (options.readOnly?.includes(target)) throw new Error('denied');
      const has = [...tags.entries()].some(
        ([key, value]) => key.startsWith(`${source}:`) && value === digest,
      );
      if (!has) throw new Error('source lacks the digest');
      tags.set(`${target}:${tag}`, digest);
    },
  };
  return { store, copies, tags };
}

describe('verifyPushed', () => {
  describe('when every copy matches', () => {
    it('returns ok rows and copies nothing', async () => {
      const { store, copies } = memoryStore({
        [`${A}:1`]: GOOD,
        [`${A}:latest`]: GOOD,
        [`${B}:1`]: GOOD,
        [`${B}:latest`]: GOOD,
      });
      const rows = await verifyPushed({
        images: [A, B],
        tags: ['1', 'latest'],
        digest: GOOD,
        store,
        logger: recordingLogger(),
      });
      expect(rows.map((row) => `${row.image}:${row.tag} ${row.status}`)).toEqual([
        `${A}:1 ok`,
        `${A}:latest ok`,
        `${B}:1 ok`,
        `${B}:latest ok`,
      ]);
      expect(copies).toEqual([]);
    });
  });

  describe('when a registry lacks a tag or holds another digest', () => {
    it('copies from the other registry and reports the repair', async () => {
      const { store, copies, tags } = memoryStore({
        [`${A}:1`]: GOOD,
        [`${A}:latest`]: GOOD,
        [`${B}:latest`]: OLD,
      });
      const rows = await verifyPushed({
        images: [A, B],
        tags: ['1', 'latest'],
        digest: GOOD,
        store,
        logger: recordingLogger(),
      });
      expect(rows.filter((row) => row.image === B)).toEqual([
        {
          image: B,
          registry: 'git.example.org',
          tag: '1',
          expected: GOOD,
          found: 'missing',
          foundAfterRepair: GOOD,
          status: 'repaired',
        },
        {
          image: B,
          registry: 'git.example.org',
          tag: 'latest',
          expected: GOOD,
          found: OLD,
          foundAfterRepair: GOOD,
          status: 'repaired',
        },
      ]);
      expect(copies.sort()).toEqual([`${A}@${GOOD} -> ${B}:1`, `${A}@${GOOD} -> ${B}:latest`]);
      expect(tags.get(`${B}:latest`)).toBe(GOOD);
    });
  });

  describe('when a repair does not take', () => {
    it('fails with a table of what is still wrong', async () => {
      const { store } = memoryStore({ [`${A}:1`]: GOOD, [`${B}:1`]: OLD }, { readOnly: [B] });
      const error = await verifyPushed({
        images: [A, B],
        tags: ['1'],
        digest: GOOD,
        store,
        logger: recordingLogger(),
      }).catch((e) => e);
      expect(error).toBeInstanceOf(GateError);
      expect((error as Error).message).toBe(
        [
          `1 of 2 pushed tags do not resolve to ${GOOD}:`,
          `registry                   tag  expected${' '.repeat(63)}  found`,
          `-------------------------  ---  ${'-'.repeat(71)}  ${'-'.repeat(71)}`,
          `${B}  1    ${GOOD}  ${OLD}`,
        ].join('\n'),
      );
    });
  });

  describe('when no registry has the digest', () => {
    it('says there is nothing to copy from', async () => {
      const { store, copies } = memoryStore({}, { failing: [A] });
      const error = await verifyPushed({
        images: [A, B],
        tags: ['1'],
        digest: GOOD,
        store,
        logger: recordingLogger(),
      }).catch((e) => e);
      expect((error as Error).message).toMatch(
        /^2 of 2 pushed tags do not resolve to sha256:1+ \(no registry holds the built digest to copy from\):/,
      );
      expect((error as Error).message).toContain('error: GET https://x/v2/ returned 503');
      expect(copies).toEqual([]);
    });
  });
});
