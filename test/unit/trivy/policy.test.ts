import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileIgnoreRules,
  evaluatePolicy,
  parsePlainIgnore,
  readIgnoreFile,
  readTrivyReport,
  SEVERITIES,
  type Finding,
  type GatePolicy,
  type ScanReport,
} from '@sovereign-ci/trivy';
import { tempDir, type TempDir } from '../../harness/temp';
import { goldenPath, goldenVulnKeys } from './golden';

const all: GatePolicy = { severities: [...SEVERITIES], ignoreUnfixed: false, maxFindings: 0 };
const keys = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.id}|${f.pkgName}|${f.installedVersion}|${f.result.target}`).sort();
const read = (name: string) => readTrivyReport(goldenPath(name));

describe('evaluatePolicy', () => {
  describe("when filtering as Trivy's own goldens were filtered", () => {
    it('alpine-39 at HIGH,CRITICAL blocks exactly the vulnerabilities of alpine-39-high-critical', async () => {
      const verdict = evaluatePolicy(await read('alpine-39.json'), {
        ...all,
        severities: ['HIGH', 'CRITICAL'],
      });
      expect(keys(verdict.blocking)).toEqual(goldenVulnKeys('alpine-39-high-critical.json'));
      expect(verdict.blocking.length).toBe(2);
    });

    it.each([
      ['debian-buster.json', 'debian-buster-ignore-unfixed.json'],
      ['ubuntu-1804.json', 'ubuntu-1804-ignore-unfixed.json'],
    ])('ignore-unfixed on %s blocks exactly the vulnerabilities of %s', async (full, filtered) => {
      const verdict = evaluatePolicy(await read(full), { ...all, ignoreUnfixed: true });
      expect(keys(verdict.blocking)).toEqual(goldenVulnKeys(filtered));
      expect(verdict.blocking.length).toBeLessThan((await read(full)).findings.length);
    });

    it('the .trivyignore behind alpine-39-ignore-cveids leaves exactly that golden', async () => {
      const ignore = compileIgnoreRules(
        parsePlainIgnore('CVE-2019-1549\nCVE-2019-14697\n', '.trivyignore'),
        '.trivyignore',
        new Date(),
      );
      const verdict = evaluatePolicy(await read('alpine-39.json'), { ...all, ignore });
      expect(keys(verdict.blocking)).toEqual(goldenVulnKeys('alpine-39-ignore-cveids.json'));
      expect(verdict.ignored.map((i) => i.finding.id).sort()).toEqual(
        ['CVE-2019-14697', 'CVE-2019-1549', 'CVE-2019-1549', 'CVE-2019-14697'].sort(),
      );
    });
  });

  describe('when a report has no vulnerabilities', () => {
    it.each(['alpine-39-skip.json', 'sl-micro-rancher5.4.json', 'dockerfile.json', 'secrets.json'])(
      '%s passes',
      async (name) => {
        const verdict = evaluatePolicy(await read(name), all);
        expect({ passed: verdict.passed, blocking: verdict.blocking, ignored: verdict.ignored }).toEqual({
          passed: true,
          blocking: [],
          ignored: [],
        });
        expect(Object.values(verdict.counts).every((c) => c.total === 0)).toBe(true);
      },
    );
  });

  describe('when counting', () => {
    it('gives total, fixable, ignored and blocking per severity', async () => {
      const ignore = compileIgnoreRules(parsePlainIgnore('CVE-2019-1549\n', 'f'), 'f', new Date());
      const verdict = evaluatePolicy(await read('alpine-39.json'), {
        ...all,
        severities: ['CRITICAL', 'MEDIUM'],
        ignore,
      });
      // alpine-39: CVE-2019-1549 is MEDIUM on libcrypto1.1 and libssl1.1 (raw golden); 2 CRITICAL, 4 MEDIUM, all fixed.
      expect(verdict.counts).toEqual({
        UNKNOWN: { total: 0, fixable: 0, ignored: 0, blocking: 0 },
        LOW: { total: 0, fixable: 0, ignored: 0, blocking: 0 },
        MEDIUM: { total: 4, fixable: 4, ignored: 2, blocking: 2 },
        HIGH: { total: 0, fixable: 0, ignored: 0, blocking: 0 },
        CRITICAL: { total: 2, fixable: 2, ignored: 0, blocking: 2 },
      });
      expect(verdict.blocking.map((f) => f.severity)).toEqual(['CRITICAL', 'CRITICAL', 'MEDIUM', 'MEDIUM']);
    });

    it('counts a will_not_fix finding as unfixed (ubi-7) and an end_of_life one (debian-stretch)', async () => {
      expect(evaluatePolicy(await read('ubi-7.json'), all).counts.LOW).toEqual({
        total: 1,
        fixable: 0,
        ignored: 0,
        blocking: 1,
      });
      expect(evaluatePolicy(await read('ubi-7.json'), { ...all, ignoreUnfixed: true }).passed).toBe(true);
      const stretch = evaluatePolicy(await read('debian-stretch.json'), { ...all, ignoreUnfixed: true });
      expect(stretch.blocking.every((f) => f.status === 'fixed')).toBe(true);
      expect(stretch.blocking.length).toBe(4);
    });
  });

  describe('when max-findings tolerates some', () => {
    it.each([
      [0, false],
      [1, false],
      [2, true],
      [5, true],
    ])('max-findings %i with 2 blocking: passed %s', async (maxFindings, passed) => {
      const verdict = evaluatePolicy(await read('alpine-39.json'), {
        ...all,
        severities: ['CRITICAL'],
        maxFindings,
      });
      expect([verdict.blocking.length, verdict.passed]).toEqual([2, passed]);
    });
  });

  describe('when pkg-types narrows the package classes', () => {
    it.each([
      [['os'] as const, ['os-pkgs']],
      [['library'] as const, ['lang-pkgs']],
      [['os', 'library'] as const, ['lang-pkgs', 'os-pkgs']],
    ])('%j keeps the findings of %j (fluentd-gems has both)', async (pkgTypes, classes) => {
      const verdict = evaluatePolicy(await read('fluentd-gems.json'), { ...all, pkgTypes });
      expect([...new Set(verdict.blocking.map((f) => f.result.class))].sort()).toEqual(classes);
    });

    it('keeps findings whose class says nothing (e.g. from Harbor)', () => {
      const result = { target: 'harbor' };
      const report: ScanReport = {
        results: [result],
        findings: [{ id: 'CVE-1', pkgName: 'p', installedVersion: '1', severity: 'HIGH', result }],
      };
      expect(evaluatePolicy(report, { ...all, pkgTypes: ['library'] }).blocking.length).toBe(1);
    });
  });

  describe('when an ignore file has expired entries', () => {
    let dir: TempDir;
    beforeAll(async () => {
      dir = await tempDir('trivy-policy');
    });
    afterAll(() => dir.cleanup());

    it('the expired entry ignores nothing, is listed, and names the finding it no longer covers', async () => {
      const file = path.join(dir.path, '.trivyignore');
      await writeFile(
        file,
        '# accepted until the fix lands\nCVE-2019-14697 exp:2026-01-31\nCVE-2019-1549 exp:2027-01-01\n',
      );
      const now = new Date('2026-06-01T00:00:00Z');
      const verdict = evaluatePolicy(await read('alpine-39.json'), {
        ...all,
        ignore: await readIgnoreFile(file, now),
      });
      expect(verdict.expiredRules.map((r) => [r.id, r.source])).toEqual([['CVE-2019-14697', `${file}:2`]]);
      expect(verdict.blocking.map((f) => f.id)).toContain('CVE-2019-14697');
      expect(verdict.ignored.map((i) => i.finding.id)).toEqual(['CVE-2019-1549', 'CVE-2019-1549']);
      expect(verdict.expiredMatches.map((m) => m.finding.id)).toEqual(['CVE-2019-14697', 'CVE-2019-14697']);
    });
  });
});
