import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateError, InputError, runAction } from '@sovereign-ci/action-kit';
import type { CacheStore, ToolCache } from '@sovereign-ci/trivy';
import { run } from '../../../actions/trivy-gate/src/run';
import { tempDir, type TempDir } from '../../harness/temp';
import { caseFactory, deps, digest, noToolCache } from './action-harness';
import { writeFakeTrivy } from './fake-trivy';
import { goldenPath, rawGolden } from './golden';

describe('trivy-gate run', () => {
  let dir: TempDir;
  const setup = caseFactory(() => dir.path);
  beforeAll(async () => {
    dir = await tempDir('trivy-gate-run');
    mkdirSync(path.join(dir.path, 'bin'));
    writeFakeTrivy(path.join(dir.path, 'bin'));
  });
  afterAll(() => dir.cleanup());

  describe("when gating Trivy's alpine-39 report at the defaults", () => {
    it('fails with a GateError table, after setting every output, the SARIF file and the summary', async () => {
      const { ctx, fake, env, root } = setup({
        source: 'report',
        report: goldenPath('alpine-39.json'),
        sarif: 'true',
      });
      const error = await run(ctx, deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GateError);
      expect((error as GateError).message.split('\n').slice(0, 2)).toEqual([
        `trivy-gate failed: 2 blocking vulnerabilities in testdata/fixtures/images/alpine-39.tar.gz, more than max-findings 0`,
        'ID              PACKAGE     INSTALLED  FIXED IN   SEVERITY  TITLE',
      ]);
      expect(fake.outputs).toEqual({
        passed: 'false',
        counts: JSON.stringify({
          UNKNOWN: { total: 0, fixable: 0, ignored: 0, blocking: 0 },
          LOW: { total: 0, fixable: 0, ignored: 0, blocking: 0 },
          MEDIUM: { total: 4, fixable: 4, ignored: 0, blocking: 0 },
          HIGH: { total: 0, fixable: 0, ignored: 0, blocking: 0 },
          CRITICAL: { total: 2, fixable: 2, ignored: 0, blocking: 2 },
        }),
        blocking: '2',
        report: goldenPath('alpine-39.json'),
        sarif: expect.stringMatching(new RegExp(`^${root}/trivy-gate-.*/trivy-gate.sarif$`)),
      });
      const sarif = JSON.parse(readFileSync(fake.outputs.sarif!, 'utf8')) as {
        runs: { results: unknown[] }[];
      };
      expect(sarif.runs[0]!.results.length).toBe(6);
      expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('| CRITICAL | 2 | 2 | 0 | 2 |');
    });

    it('with fail: false only reports passed=false', async () => {
      const { ctx, fake } = setup({ source: 'report', report: goldenPath('alpine-39.json'), fail: 'false' });
      await run(ctx, deps);
      expect([fake.outputs.passed, fake.outputs.blocking]).toEqual(['false', '2']);
      expect(fake.calls.some((c) => c.startsWith('warning trivy-gate failed: 2 blocking'))).toBe(true);
    });

    it('through runAction, fails the step with the table and no stack trace', async () => {
      const { env, fake } = setup({ source: 'report', report: goldenPath('alpine-39.json') });
      await runAction((ctx) => run(ctx, deps), undefined, { env, commands: fake.commands });
      const failed = fake.calls.filter((c) => c.startsWith('failed '));
      expect(failed.length).toBe(1);
      expect(failed[0]).toContain('CVE-2019-14697  musl-utils  1.1.20-r4  1.1.20-r5  CRITICAL');
      expect(failed[0]).not.toMatch(/\n\s+at /);
    });
  });

  describe('when the report has no vulnerabilities', () => {
    it.each(['alpine-39-skip.json', 'sl-micro-rancher5.4.json'])('%s passes', async (name) => {
      const { ctx, fake } = setup({
        source: 'report',
        report: goldenPath(name),
        severity: 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
      });
      await run(ctx, deps);
      expect([fake.outputs.passed, fake.outputs.blocking]).toEqual(['true', '0']);
    });
  });

  describe('when the given report is not a Trivy report', () => {
    it('is an InputError naming report, never a pass', async () => {
      const { ctx, root } = setup({});
      const bad = path.join(root, 'report.json');
      writeFileSync(bad, '{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [');
      const env2 = { ...ctx.env, INPUT_SOURCE: 'report', INPUT_REPORT: bad };
      const error = await run({ ...ctx, env: env2 }, deps).catch((e: unknown) => e);
      expect([error instanceof InputError, (error as InputError).message]).toEqual([
        true,
        `input 'report': ${bad}: unexpected end of the report (truncated JSON)`,
      ]);
    });
  });

  describe('when the ignore file does not parse', () => {
    it('is an InputError naming ignore-file, never a pass', async () => {
      const { ctx, root } = setup({});
      const bad = path.join(root, '.trivyignore.yaml');
      writeFileSync(bad, 'vulnerabilities: nope\n');
      const env2 = {
        ...ctx.env,
        INPUT_SOURCE: 'report',
        INPUT_REPORT: goldenPath('alpine-39.json'),
        'INPUT_IGNORE-FILE': bad,
      };
      const error = await run({ ...ctx, env: env2 }, deps).catch((e: unknown) => e);
      expect([error instanceof InputError, (error as InputError).input]).toEqual([true, 'ignore-file']);
    });
  });

  describe('when Trivy runs (from PATH)', () => {
    it('scans by digest with the DB inputs and gates its report', async () => {
      const { ctx, fake, root } = setup(
        {
          image: `harbor.lab/team/app@${digest}`,
          'db-repository': 'harbor.lab/ghcr/aquasecurity/trivy-db:2',
          'skip-db-update': 'true',
          'ignore-unfixed': 'true',
        },
        {
          PATH: `${path.join(dir.path, 'bin')}:${process.env.PATH}`,
          FAKE_TRIVY_ARGV: path.join(dir.path, 'argv-run.txt'),
          FAKE_TRIVY_REPORT: goldenPath('debian-buster.json'),
        },
      );
      await expect(run(ctx, deps)).rejects.toThrow(GateError);
      const argv = readFileSync(path.join(dir.path, 'argv-run.txt'), 'utf8').trimEnd().split('\n');
      expect(argv).toEqual([
        'image',
        '--format',
        'json',
        '--output',
        fake.outputs.report,
        '--skip-version-check',
        '--disable-telemetry',
        '--scanners',
        'vuln',
        '--severity',
        'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL',
        '--exit-code',
        '0',
        '--config',
        `${fake.outputs.report}.trivy.yaml`,
        '--ignorefile',
        `${fake.outputs.report}.trivyignore`,
        '--cache-dir',
        path.join(root, 'trivy-cache'),
        '--db-repository',
        'harbor.lab/ghcr/aquasecurity/trivy-db:2',
        '--skip-db-update',
        `harbor.lab/team/app@${digest}`,
      ]);
      // debian-buster: 1 CRITICAL fixed, 1 LOW affected -> with ignore-unfixed, the CRITICAL one blocks.
      const critical = rawGolden('debian-buster.json').Results![0]!.Vulnerabilities!.filter(
        (v) => v.Severity === 'CRITICAL' && v.Status === 'fixed',
      );
      expect(fake.outputs.blocking).toBe(String(critical.length));
      expect(fake.calls).toContain('info trivy DB cache: the runner has no cache service; skipping');
      expect(fake.calls.filter((c) => c.includes('no db-repository'))).toEqual([]);
    });

    it('warns that Trivy will reach its public DB when neither db-repository nor skip-db-update is set', async () => {
      const { ctx, fake } = setup(
        { image: `harbor.lab/team/app@${digest}` },
        {
          PATH: `${path.join(dir.path, 'bin')}:${process.env.PATH}`,
          FAKE_TRIVY_ARGV: path.join(dir.path, 'argv-public-db.txt'),
          FAKE_TRIVY_REPORT: goldenPath('alpine-310.json'),
        },
      );
      await run(ctx, deps);
      expect(fake.calls.filter((c) => c.includes('no db-repository'))).toEqual([
        'warning no db-repository: Trivy will fetch its DB from its public default (set db-repository to an internal mirror, or skip-db-update)',
      ]);
    });
  });

  describe('when trivy-url serves a tarball that is not the one trivy-sha256 names', () => {
    it('is an InputError naming trivy-sha256, and Trivy never runs', async () => {
      const { ctx, root } = setup(
        {
          image: `harbor.lab/team/app@${digest}`,
          'trivy-url': 'https://git.lab/mirror/trivy_0.58.1_Linux-64bit.tar.gz',
          'trivy-sha256': 'ab'.repeat(32),
          'db-repository': 'harbor.lab/ghcr/trivy-db:2',
        },
        {
          PATH: `${path.join(dir.path, 'bin')}:${process.env.PATH}`,
          FAKE_TRIVY_ARGV: path.join(dir.path, 'argv-tampered.txt'),
          FAKE_TRIVY_REPORT: goldenPath('alpine-310.json'),
        },
      );
      const downloaded = path.join(root, 'download.tgz');
      const toolCache: ToolCache = {
        ...noToolCache,
        downloadTool: async () => {
          writeFileSync(downloaded, 'not the tarball');
          return downloaded;
        },
      };
      const error = await run(ctx, { ...deps, toolCache }).catch((e: unknown) => e);
      // sha256 of 'not the tarball', by an independent tool.
      const actual = execFileSync('sh', ['-c', "printf 'not the tarball' | sha256sum"], {
        encoding: 'utf8',
      }).split(' ')[0]!;
      expect([error instanceof InputError, (error as InputError).message]).toEqual([
        true,
        `input 'trivy-sha256': refusing the Trivy download: sha256 ${actual}, expected ${'ab'.repeat(32)}`,
      ]);
      expect(existsSync(path.join(dir.path, 'argv-tampered.txt'))).toBe(false);
    });
  });

  describe('when the runner has a cache service', () => {
    it("restores the DB before the scan and saves today's key after it when it was not an exact hit", async () => {
      const calls: string[] = [];
      const cacheStore: CacheStore = {
        isFeatureAvailable: () => true,
        restoreCache: async (paths, key) => {
          calls.push(`restore ${paths.join(',')} ${key}`);
          return undefined;
        },
        saveCache: async (paths, key) => {
          calls.push(`save ${paths.join(',')} ${key}`);
          return 1;
        },
      };
      const { ctx, fake, root } = setup(
        { image: `harbor.lab/team/app@${digest}`, 'db-repository': 'harbor.lab/ghcr/trivy-db:2' },
        {
          PATH: `${path.join(dir.path, 'bin')}:${process.env.PATH}`,
          FAKE_TRIVY_ARGV: path.join(dir.path, 'argv-cache.txt'),
          FAKE_TRIVY_REPORT: goldenPath('alpine-310.json'),
        },
      );
      await run(ctx, { ...deps, cacheStore });
      const cacheDir = path.join(root, 'trivy-cache');
      const key = 'trivy-db-harbor.lab_ghcr_trivy-db_2+default-2026-12-04';
      expect(calls).toEqual([
        `restore ${cacheDir}/db,${cacheDir}/java-db ${key}`,
        `save ${cacheDir}/db,${cacheDir}/java-db ${key}`,
      ]);
      // alpine-310: 4 MEDIUM only -> nothing blocks at the defaults.
      expect([fake.outputs.passed, fake.outputs.blocking]).toEqual(['true', '0']);
    });
  });
});
