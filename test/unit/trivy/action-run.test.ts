import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext, GateError, InputError, runAction } from '@sovereign-ci/action-kit';
import type { CacheStore, ToolCache } from '@sovereign-ci/trivy';
import { run } from '../../../actions/trivy-gate/src/run';
import type { Dependencies } from '../../../actions/trivy-gate/src/sources';
import { tempDir, type TempDir } from '../../harness/temp';
import { fakeCommands } from './fake-commands';
import { writeFakeTrivy } from './fake-trivy';
import { goldenPath, rawGolden } from './golden';
import { startFakeServer, type FakeServer } from './http-fake';

const noToolCache: ToolCache = {
  find: () => '',
  downloadTool: () => Promise.reject(new Error('no download expected')),
  extractTar: () => Promise.reject(new Error('no extract expected')),
  cacheDir: () => Promise.reject(new Error('no cache expected')),
};
const noCacheService: CacheStore = {
  isFeatureAvailable: () => false,
  restoreCache: () => Promise.reject(new Error('not available')),
  saveCache: () => Promise.reject(new Error('not available')),
};
const deps: Dependencies = {
  toolCache: noToolCache,
  cacheStore: noCacheService,
  now: () => new Date('2026-12-04T00:00:00Z'),
};
const digest = `sha256:${'ef'.repeat(32)}`;

describe('trivy-gate run', () => {
  let dir: TempDir;
  let cases = 0;
  beforeAll(async () => {
    dir = await tempDir('trivy-gate-run');
    mkdirSync(path.join(dir.path, 'bin'));
    writeFakeTrivy(path.join(dir.path, 'bin'));
  });
  afterAll(() => dir.cleanup());

  function setup(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
    const root = path.join(dir.path, `case-${++cases}`);
    mkdirSync(root);
    const env: Record<string, string> = {
      RUNNER_TEMP: root,
      GITHUB_STEP_SUMMARY: path.join(root, 'summary.md'),
      ...extraEnv,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
    writeFileSync(env.GITHUB_STEP_SUMMARY!, '');
    const fake = fakeCommands();
    return { root, env, fake, ctx: createActionContext(env, fake.commands) };
  }

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

  describe('when reading Harbor', () => {
    let harbor: FakeServer;
    beforeAll(async () => {
      const auth = `Basic ${Buffer.from('robot$ci:pw').toString('base64')}`;
      harbor = await startFakeServer((req, res) => {
        if (req.headers.authorization !== auth) return void res.writeHead(401).end('{}');
        const base = `/api/v2.0/projects/team/repositories/app/artifacts/${digest}`;
        const mime = 'application/vnd.security.vulnerability.report; version=1.1';
        if (req.url === `${base}?with_scan_overview=true`)
          return void res.end(JSON.stringify({ scan_overview: { [mime]: { scan_status: 'Success' } } }));
        if (req.url === `${base}/additions/vulnerabilities`) {
          return void res.end(
            JSON.stringify({
              [mime]: {
                vulnerabilities: [
                  {
                    id: 'CVE-2026-0001',
                    package: 'openssl',
                    version: '3.0.0',
                    fix_version: '3.0.1',
                    severity: 'High',
                    links: [],
                  },
                ],
              },
            }),
          );
        }
        res.writeHead(404).end('{}');
      });
    });
    afterAll(() => harbor.close());

    it("gates Harbor's scan with the docker config's credentials and writes it as a Trivy report", async () => {
      const { root } = setup({});
      const configDir = path.join(root, 'docker');
      mkdirSync(configDir);
      const host = new URL(harbor.url).host;
      writeFileSync(
        path.join(configDir, 'config.json'),
        JSON.stringify({ auths: { [host]: { auth: Buffer.from('robot$ci:pw').toString('base64') } } }),
      );
      const { ctx, fake } = setup(
        { source: 'harbor', image: `${host}/team/app@${digest}`, 'harbor-url': harbor.url },
        { DOCKER_CONFIG: configDir },
      );
      await expect(run(ctx, deps)).rejects.toThrow(/CVE-2026-0001\s+openssl\s+3\.0\.0\s+3\.0\.1\s+HIGH/);
      const written = JSON.parse(readFileSync(fake.outputs.report!, 'utf8')) as {
        SchemaVersion: number;
        Results: { Vulnerabilities: { VulnerabilityID: string }[] }[];
      };
      expect([
        written.SchemaVersion,
        written.Results[0]!.Vulnerabilities.map((v) => v.VulnerabilityID),
      ]).toEqual([2, ['CVE-2026-0001']]);
      expect(fake.outputs.passed).toBe('false');
    });
  });
});
