import { describe, expect, it } from 'vitest';
import { GateError } from '@sovereign-ci/action-kit';
import {
  blockingTable,
  compileIgnoreRules,
  evaluatePolicy,
  gateErrorFor,
  parsePlainIgnore,
  readTrivyReport,
  renderMarkdownSummary,
  parseTrivyReport,
  renderSarif,
  toTrivyJson,
} from '@sovereign-ci/trivy';
import { goldenPath } from './golden';

const alpine = () => readTrivyReport(goldenPath('alpine-39.json'));

describe('gateErrorFor', () => {
  it('is a GateError whose message is the table of blocking findings', async () => {
    const verdict = evaluatePolicy(await alpine(), {
      severities: ['CRITICAL'],
      ignoreUnfixed: false,
      maxFindings: 0,
    });
    const error = gateErrorFor(verdict, 'harbor.lab/team/app@sha256:abc');
    expect(error).toBeInstanceOf(GateError);
    expect(error.message).toBe(
      [
        'trivy-gate failed: 2 blocking vulnerabilities in harbor.lab/team/app@sha256:abc, more than max-findings 0',
        'ID              PACKAGE     INSTALLED  FIXED IN   SEVERITY  TITLE',
        '--------------  ----------  ---------  ---------  --------  -----',
        'CVE-2019-14697  musl        1.1.20-r4  1.1.20-r5  CRITICAL',
        'CVE-2019-14697  musl-utils  1.1.20-r4  1.1.20-r5  CRITICAL',
      ].join('\n'),
    );
  });

  it('names expired ignore entries that no longer apply', async () => {
    const ignore = compileIgnoreRules(
      parsePlainIgnore('CVE-2019-14697 exp:2020-01-01', '.trivyignore'),
      '.trivyignore',
      new Date(),
    );
    const verdict = evaluatePolicy(await alpine(), {
      severities: ['CRITICAL'],
      ignoreUnfixed: false,
      maxFindings: 0,
      ignore,
    });
    expect(gateErrorFor(verdict).message.split('\n').pop()).toBe(
      'expired ignore entries no longer apply: CVE-2019-14697 (2020-01-01, .trivyignore:1)',
    );
  });

  it('caps the table and says how many rows were left out', async () => {
    const report = await alpine();
    const many = Array.from({ length: 205 }, () => report.findings[0]!);
    const lines = blockingTable(many).split('\n');
    expect([lines.length, lines.pop()]).toEqual([203, '… and 5 more (see the report)']);
  });
});

describe('renderMarkdownSummary', () => {
  it('shows the verdict, counts per severity and the blocking findings with links', async () => {
    const report = await alpine();
    const verdict = evaluatePolicy(report, {
      severities: ['CRITICAL', 'HIGH'],
      ignoreUnfixed: false,
      maxFindings: 0,
    });
    const markdown = renderMarkdownSummary(report, verdict, { artifact: 'app@sha256:abc' });
    expect(markdown.split('\n').slice(0, 10)).toEqual([
      '### trivy-gate ❌ failed: 2 blocking vulnerabilities in app@sha256:abc, more than max-findings 0',
      '',
      '| severity | total | fixable | ignored | blocking |',
      '| --- | --- | --- | --- | --- |',
      '| CRITICAL | 2 | 2 | 0 | 2 |',
      '| HIGH | 0 | 0 | 0 | 0 |',
      '| MEDIUM | 4 | 4 | 0 | 0 |',
      '| LOW | 0 | 0 | 0 | 0 |',
      '| UNKNOWN | 0 | 0 | 0 | 0 |',
      '',
    ]);
    expect(markdown).toContain(
      '| [CVE-2019-14697](https://avd.aquasec.com/nvd/cve-2019-14697) | musl | 1.1.20-r4 | 1.1.20-r5 | CRITICAL |  |',
    );
  });
});

describe('renderSarif', () => {
  it('describes every finding, marks ignored ones suppressed, and leaves the verdict alone', async () => {
    const report = await alpine();
    const ignore = compileIgnoreRules(
      parsePlainIgnore('CVE-2019-1549', '.trivyignore'),
      '.trivyignore',
      new Date(),
    );
    const verdict = evaluatePolicy(report, {
      severities: ['CRITICAL', 'MEDIUM'],
      ignoreUnfixed: false,
      maxFindings: 0,
      ignore,
    });
    const before = JSON.stringify({ ...verdict, blocking: verdict.blocking.map((f) => f.id) });
    const sarif = renderSarif(report, verdict) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: { ruleId: string; ruleIndex: number; level: string; suppressions?: unknown[] }[];
      }[];
    };
    expect(JSON.stringify({ ...verdict, blocking: verdict.blocking.map((f) => f.id) })).toBe(before);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([
      'CVE-2019-1549',
      'CVE-2019-1551',
      'CVE-2019-14697',
    ]);
    expect(
      run.results.map((r) => [
        r.ruleId,
        run.tool.driver.rules[r.ruleIndex]!.id === r.ruleId,
        r.level,
        r.suppressions !== undefined,
      ]),
    ).toEqual([
      ['CVE-2019-1549', true, 'warning', true],
      ['CVE-2019-1551', true, 'warning', false],
      ['CVE-2019-1549', true, 'warning', true],
      ['CVE-2019-1551', true, 'warning', false],
      ['CVE-2019-14697', true, 'error', false],
      ['CVE-2019-14697', true, 'error', false],
    ]);
  });
});

describe('toTrivyJson', () => {
  it.each(['alpine-39.json', 'fluentd-gems.json', 'gomod.json'])(
    '%s written back reads as the same findings',
    async (name) => {
      const report = await readTrivyReport(goldenPath(name));
      const again = parseTrivyReport(JSON.stringify(toTrivyJson(report)));
      expect(again.findings).toEqual(report.findings);
      expect(again.results).toEqual(report.results);
    },
  );
});
