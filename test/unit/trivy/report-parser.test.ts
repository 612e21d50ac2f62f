import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluatePolicy,
  parseTrivyReport,
  readTrivyReport,
  ReportParseError,
  SEVERITIES,
  TrivyReportParser,
  type Counts,
} from '@sovereign-ci/trivy';
import { fixturePath } from '../../harness/fixtures';
import { tempDir } from '../../harness/temp';
import { goldenNames, goldenPath, rawGolden } from './golden';

/** The recount, by hand over the raw JSON (not with the code under test). */
function recount(name: string, blockingSeverities: string[]): Counts {
  const counts = {} as Counts;
  for (const s of SEVERITIES) counts[s] = { total: 0, fixable: 0, ignored: 0, blocking: 0 };
  for (const result of rawGolden(name).Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const severity = (v.Severity || 'UNKNOWN') as keyof Counts;
      counts[severity].total++;
      if (v.Status === 'fixed') counts[severity].fixable++;
      if (blockingSeverities.includes(severity)) counts[severity].blocking++;
    }
  }
  return counts;
}

/** SUMMARY.tsv: per golden, the vulnerability count, those with a fixed version, and counts per severity. */
function summaryRow(name: string): { vulns: number; withFixed: number; severities: Record<string, number> } {
  const lines = readFileSync(fixturePath('trivy', 'reports', 'SUMMARY.tsv'), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0]!.split('\t');
  const row = lines.find((l) => l.startsWith(`${name}\t`))!.split('\t');
  const col = (c: string) => row[header.indexOf(c)]!;
  return {
    vulns: Number(col('vulns')),
    withFixed: Number(col('with_fixed')),
    severities: JSON.parse(col('severities')),
  };
}

describe('readTrivyReport', () => {
  describe('when reading every Trivy report golden', () => {
    it.each(goldenNames())(
      '%s: counts per severity equal a recount of the raw JSON and SUMMARY.tsv',
      async (name) => {
        const report = await readTrivyReport(goldenPath(name));
        const verdict = evaluatePolicy(report, {
          severities: ['HIGH', 'CRITICAL'],
          ignoreUnfixed: false,
          maxFindings: 0,
        });
        expect(verdict.counts).toEqual(recount(name, ['HIGH', 'CRITICAL']));
        const summary = summaryRow(name);
        const totals = Object.fromEntries(
          SEVERITIES.filter((s) => verdict.counts[s].total > 0).map((s) => [s, verdict.counts[s].total]),
        );
        expect(totals).toEqual(summary.severities);
        expect(report.findings.length).toBe(summary.vulns);
        expect(report.findings.filter((f) => f.fixedVersion).length).toBe(summary.withFixed);
      },
    );

    it.each(goldenNames())('%s: every finding carries the golden fields, in order', async (name) => {
      const report = await readTrivyReport(goldenPath(name));
      const expected = (rawGolden(name).Results ?? []).flatMap((r) =>
        (r.Vulnerabilities ?? []).map((v) => ({
          id: v.VulnerabilityID,
          pkgName: v.PkgName,
          pkgId: v.PkgID,
          pkgPath: v.PkgPath,
          purl: (v.PkgIdentifier as unknown as { PURL?: string } | undefined)?.PURL,
          installedVersion: v.InstalledVersion,
          fixedVersion: v.FixedVersion || undefined,
          status: v.Status,
          severity: v.Severity,
          title: v.Title,
          primaryUrl: v.PrimaryURL,
          result: { target: r.Target, class: r.Class, type: (r as { Type?: string }).Type },
        })),
      );
      expect(report.findings).toEqual(expected);
    });
  });

  describe('when the report arrives in small chunks', () => {
    it.each(goldenNames())('%s split into 1-byte chunks gives the same report as one buffer', (name) => {
      const bytes = readFileSync(goldenPath(name));
      const parser = new TrivyReportParser();
      for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
      expect(parser.end()).toEqual(parseTrivyReport(bytes));
    });

    it('keeps nothing of a chunk buffer that is reused for the next chunk (as readTrivyReport does)', () => {
      const bytes = readFileSync(goldenPath('fluentd-gems.json'));
      const parser = new TrivyReportParser();
      const reused = Buffer.alloc(5);
      for (let i = 0; i < bytes.length; i += 5) {
        const n = bytes.copy(reused, 0, i, i + 5);
        parser.push(reused.subarray(0, n));
        reused.fill(0x78);
      }
      expect(parser.end()).toEqual(parseTrivyReport(bytes));
    });

    it.each([1, 2, 3, 7, 64])('splits of %i bytes give the same findings as one buffer', (size) => {
      const bytes = readFileSync(goldenPath('npm-with-suppressed.json'));
      const parser = new TrivyReportParser();
      for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
      expect(parser.end()).toEqual(parseTrivyReport(bytes));
    });
  });

  describe('when strings hold escapes and non-ASCII text', () => {
    it('decodes them as JSON.parse does', () => {
      const title = 'a "quoted" \\ back\\slash, tab\t, ünïcödé ✓ and \u2028';
      const json = JSON.stringify({
        SchemaVersion: 2,
        Results: [
          {
            Target: 'x',
            Vulnerabilities: [
              { VulnerabilityID: 'CVE-1', PkgName: 'p\\"q', Title: title, Description: '\\"}]{[' },
            ],
          },
        ],
      });
      const parser = new TrivyReportParser();
      const bytes = Buffer.from(json);
      for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
      const report = parser.end();
      expect(report.findings.map((f) => [f.pkgName, f.title])).toEqual([['p\\"q', title]]);
    });
  });

  describe('when a key is written with escapes', () => {
    it('is the same key, as JSON.parse reads it', () => {
      const json =
        '{"Schema\\u0056ersion": 2, "Results": [{"Target": "t", "Vuln\\u0065rabilities": [' +
        '{"VulnerabilityID": "CVE-1", "Sev\\u0065rity": "CRITICAL"}]}]}';
      const expected = JSON.parse(json) as { Results: { Vulnerabilities: { Severity: string }[] }[] };
      const report = parseTrivyReport(json);
      expect(report.findings.map((f) => [f.id, f.severity])).toEqual([
        ['CVE-1', expected.Results[0]!.Vulnerabilities[0]!.Severity],
      ]);
    });
  });

  describe('when the report is not a usable Trivy report', () => {
    const good = readFileSync(goldenPath('alpine-39.json'), 'utf8');
    it.each([
      ['truncated', good.slice(0, good.length / 2), /truncated/],
      ['empty', '', /truncated/],
      ['not JSON', 'hello', /a Trivy report is a JSON object/],
      ['a JSON array', '[]', /a Trivy report is a JSON object/],
      ['trailing garbage', `${good}}`, /unexpected data after the report/],
      ['no SchemaVersion', '{"Results": []}', /no SchemaVersion/],
      ['SchemaVersion 1', '{"SchemaVersion": 1}', /SchemaVersion 1/],
      ['SchemaVersion as text', '{"SchemaVersion": "2"}', /must be a number/],
      ['Results not an array', '{"SchemaVersion": 2, "Results": {}}', /'Results' must be an array/],
      [
        'a vulnerability without ID',
        '{"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [{"PkgName": "x"}]}]}',
        /no VulnerabilityID/,
      ],
      ['a missing comma', '{"SchemaVersion": 2 "Results": []}', /expected ','/],
      ['a bad literal', '{"SchemaVersion": 2, "X": tru}', /malformed JSON literal/],
      [
        'a number for a string field',
        '{"SchemaVersion": 2, "ArtifactName": 3}',
        /'ArtifactName' must be a string/,
      ],
      // Parts the gate does not read are still JSON: corruption there is refused too.
      [
        'garbage in a package list',
        '{"SchemaVersion": 2, "Results": [{"Target": "t", "Packages": [ garbage ]}]}',
        /malformed JSON literal 'garbage'/,
      ],
      [
        'mismatched brackets in metadata',
        '{"SchemaVersion": 2, "Metadata": {"a": [1}], "Results": []}',
        /expected ',' or '\]'/,
      ],
      [
        'a missing colon in CVSS',
        '{"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": "C", "CVSS": {"nvd" {}}}]}]}',
        /expected ':'/,
      ],
      [
        'a lost bracket that would hide the vulnerabilities in a package list',
        '{"SchemaVersion": 2, "Results": [{"Target": "t", "Packages": [{"ID": "p"}, "Vulnerabilities": [{"VulnerabilityID": "C", "Severity": "CRITICAL"}]}]}',
        /expected ',' or '\]'/,
      ],
    ])('%s is an error', (_label, text, message) => {
      expect(() => parseTrivyReport(text)).toThrow(ReportParseError);
      expect(() => parseTrivyReport(text)).toThrow(message);
    });

    it('names the file when it cannot be read or parsed', async () => {
      const dir = await tempDir('trivy-report');
      try {
        const file = path.join(dir.path, 'report.json');
        await writeFile(file, '{"SchemaVersion": 2, "Results": [');
        await expect(readTrivyReport(file)).rejects.toThrow(
          `${file}: unexpected end of the report (truncated JSON)`,
        );
        await expect(readTrivyReport(path.join(dir.path, 'missing.json'))).rejects.toThrow(
          /cannot read the Trivy report .*ENOENT/,
        );
      } finally {
        await dir.cleanup();
      }
    });
  });
});
