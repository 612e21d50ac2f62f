import { describe, expect, it } from 'vitest';
import {
  decideAttached,
  selectTags,
  type PackageVersion,
  type RetentionPolicy,
} from '@sovereign-ci/registry-health';

const day = (n: number) => new Date(Date.UTC(2026, 0, n));
const v = (pkg: string, version: string, created: number): PackageVersion => ({
  package: pkg,
  version,
  created: day(created),
});
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const policy: RetentionPolicy = { keep: 2, protect: ['release-*'], deleteUntagged: false };

function summary(decisions: { version: string; action: string; reason: string }[]) {
  return decisions.map((d) => `${d.version} ${d.action} ${d.reason}`);
}

describe('selectTags', () => {
  it('keeps the newest N per package plus latest and protected globs', () => {
    const versions = [
      v('app', 'v1', 1),
      v('app', 'latest', 2),
      v('app', 'release-1', 3),
      v('app', 'v2', 4),
      v('app', 'v3', 5),
      v('web', 'v1', 1),
      v('app', digest('a'), 1),
    ];
    expect(summary(selectTags(versions, policy))).toEqual([
      'v3 keep newest',
      'v2 keep newest',
      'release-1 keep protected',
      'latest keep protected',
      'v1 delete beyond-keep',
      'v1 keep newest',
    ]);
  });
});

describe('decideAttached', () => {
  const versions = [
    v('app', digest('a'), 1),
    v('app', digest('b'), 1),
    v('app', `sha256-${'a'.repeat(64)}.sig`, 2),
    v('app', `sha256-${'c'.repeat(64)}.sig`, 2),
  ];
  describe('when kept tags reference some digests', () => {
    it('keeps referenced children, keeps untagged ones by default, drops signatures of deleted images', () => {
      const kept = new Map([['app', new Set([digest('a')])]]);
      expect(summary(decideAttached(versions, policy, kept))).toEqual([
        `${digest('a')} keep referenced`,
        `${digest('b')} keep untagged`,
        `sha256-${'a'.repeat(64)}.sig keep signature`,
        `sha256-${'c'.repeat(64)}.sig delete orphaned-signature`,
      ]);
    });
    it('deletes unreferenced untagged versions only when asked', () => {
      const kept = new Map([['app', new Set([digest('a')])]]);
      const decisions = decideAttached(versions, { ...policy, deleteUntagged: true }, kept);
      expect(summary(decisions).slice(0, 2)).toEqual([
        `${digest('a')} keep referenced`,
        `${digest('b')} delete unreferenced`,
      ]);
    });
  });
  describe('when a kept tag could not be read', () => {
    it('deletes nothing untagged in that package', () => {
      const decisions = decideAttached(
        versions,
        { ...policy, deleteUntagged: true },
        new Map([['app', undefined]]),
      );
      expect(decisions.every((d) => d.action === 'keep' && d.reason === 'uncertain')).toBe(true);
      expect(decisions).toHaveLength(4);
    });
  });
});
