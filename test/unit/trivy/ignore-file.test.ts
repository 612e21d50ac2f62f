import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileIgnoreRules,
  evaluatePolicy,
  IgnoreFileError,
  parsePlainIgnore,
  parsePurl,
  parseYamlIgnore,
  purlMatches,
  readIgnoreFile,
  type Finding,
  type ScanReport,
  type Severity,
} from '@sovereign-ci/trivy';
import { fixturePath } from '../../harness/fixtures';
import { tempDir, type TempDir } from '../../harness/temp';

const example = (name: string) => fixturePath('trivy', 'ignore', name);
/** The clock of Trivy's own filter tests (pkg/result/filter_test.go). */
const trivyTestClock = new Date(Date.UTC(2020, 7, 10, 7, 28, 17));
const today = new Date();

function report(target: string, findings: Omit<Finding, 'result' | 'installedVersion'>[]): ScanReport {
  const result = { target };
  return { results: [result], findings: findings.map((f) => ({ installedVersion: '1.2.3', ...f, result })) };
}

describe('readIgnoreFile', () => {
  describe("when reading Trivy's own test files (pkg/result/testdata)", () => {
    it('.trivyignore: 8 vulnerability IDs in force, the exp:2020-01-01 one expired (ignore_test.go)', async () => {
      const rules = await readIgnoreFile(example('trivyignore.test'), today);
      expect(rules.active.map((r) => r.id)).toEqual([
        'CVE-2019-0001',
        'CVE-2019-0002',
        'CVE-2019-0005',
        'CVE-2019-0006',
        'ID300',
        'AVD-ID400',
        'generic-unwanted-rule',
        'GPL-3.0',
      ]);
      expect(rules.expired.map((r) => [r.id, r.expiredAt?.toISOString(), r.source])).toEqual([
        ['CVE-2019-0004', '2020-01-01T00:00:00.000Z', `${example('trivyignore.test')}:4`],
      ]);
    });

    it('.trivyignore.yaml: 5 vulnerabilities in force today, 0005 and 0006 expired (ignore_test.go)', async () => {
      const rules = await readIgnoreFile(example('trivyignore.test.yaml'), today);
      expect(rules.active.map((r) => r.id)).toEqual([
        'CVE-2019-0001',
        'CVE-2019-0002',
        'CVE-2019-0003',
        'CVE-2019-0004',
        'CVE-2019-0007',
      ]);
      expect(rules.expired.map((r) => r.id)).toEqual(['CVE-2019-0005', 'CVE-2019-0006']);
    });

    it("gates Trivy's 'ignore yaml' filter case exactly: 0004 and 0006 remain, 0001/0003/0005/0007 ignored", async () => {
      const rules = await readIgnoreFile(example('trivyignore.test.yaml'), trivyTestClock);
      const purl = (name: string) => `pkg:golang/github.com/aquasecurity/${name}@v1.2.3`;
      const scan = report('foo/package-lock.json', [
        { id: 'CVE-2019-0001', pkgName: 'foo', purl: purl('foo'), fixedVersion: '1.2.4', severity: 'LOW' },
        {
          id: 'CVE-2019-0002',
          pkgName: 'foo',
          purl: purl('foo'),
          fixedVersion: '1.2.4',
          severity: 'CRITICAL',
        },
        { id: 'CVE-2019-0003', pkgName: 'foo', fixedVersion: '1.2.4', severity: 'LOW' },
        { id: 'CVE-2019-0004', pkgName: 'foo', fixedVersion: '1.2.4', severity: 'LOW' },
        { id: 'CVE-2019-0005', pkgName: 'foo', fixedVersion: '1.2.4', severity: 'LOW' },
        { id: 'CVE-2019-0006', pkgName: 'foo', purl: purl('foo'), fixedVersion: '1.2.4', severity: 'LOW' },
        {
          id: 'CVE-2019-0007',
          pkgName: 'bar',
          purl: 'pkg:golang/github.com/aquasecurity/bar@v2.3.4',
          fixedVersion: '2.3.5',
          severity: 'LOW',
        },
      ]);
      const verdict = evaluatePolicy(scan, {
        severities: ['LOW', 'HIGH'],
        ignoreUnfixed: false,
        maxFindings: 0,
        ignore: rules,
      });
      expect(verdict.blocking.map((f) => f.id)).toEqual(['CVE-2019-0004', 'CVE-2019-0006']);
      expect(verdict.ignored.map((i) => i.finding.id)).toEqual([
        'CVE-2019-0001',
        'CVE-2019-0003',
        'CVE-2019-0005',
        'CVE-2019-0007',
      ]);
      expect(verdict.expiredMatches.map((m) => m.finding.id)).toEqual(['CVE-2019-0006']);
    });
  });

  describe("when reading the documentation's examples (docs/guide/configuration/filtering.md)", () => {
    it('.trivyignore: first field is the ID; the exp:2023-01-01 entry is expired', async () => {
      const rules = await readIgnoreFile(example('trivyignore.docs'), today);
      expect(rules.active.map((r) => r.id)).toEqual([
        'CVE-2018-14618',
        'CVE-2019-1543',
        'AVD-DS-0002',
        'generic-unwanted-rule',
        'aws-account-id',
        'GPL-3.0',
        'Apache-2.0',
      ]);
      expect(rules.expired.map((r) => r.id)).toEqual(['CVE-2019-14697']);
    });

    it('.trivyignore.yaml: paths, purls, statement and expired_at behave as documented', async () => {
      const rules = await readIgnoreFile(example('trivyignore.docs.yaml'), today);
      expect(rules.expired.map((r) => [r.id, r.expiredAt?.toISOString()])).toEqual([
        ['CVE-2023-29491', '2023-09-01T00:00:00.000Z'],
      ]);
      const metadata = 'usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA';
      const severity: Severity = 'HIGH';
      const scan = report('python-pkg', [
        { id: 'CVE-2022-40897', pkgName: 'setuptools', pkgPath: metadata, severity },
        {
          id: 'CVE-2022-40897',
          pkgName: 'setuptools',
          pkgPath: 'usr/lib/python3/dist-packages/setuptools/METADATA',
          severity,
        },
        { id: 'CVE-2023-2650', pkgName: 'openssl', severity },
        {
          id: 'CVE-2023-3817',
          pkgName: 'libssl1.1',
          purl: 'pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u4?arch=amd64&distro=debian-11.6',
          severity,
        },
        {
          id: 'CVE-2023-3817',
          pkgName: 'openssl',
          purl: 'pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u4?arch=amd64',
          severity,
        },
        { id: 'CVE-2023-3817', pkgName: 'no-purl', severity },
        { id: 'CVE-2023-29491', pkgName: 'ncurses', severity },
      ]);
      const verdict = evaluatePolicy(scan, {
        severities: ['HIGH'],
        ignoreUnfixed: false,
        maxFindings: 0,
        ignore: rules,
      });
      expect(verdict.ignored.map((i) => [i.finding.id, i.finding.pkgName, i.rule.statement])).toEqual([
        ['CVE-2022-40897', 'setuptools', 'Accept the risk'],
        ['CVE-2023-2650', 'openssl', undefined],
        ['CVE-2023-3817', 'libssl1.1', undefined],
        // Trivy: a package without a purl matches any purl list.
        ['CVE-2023-3817', 'no-purl', undefined],
      ]);
      expect(verdict.blocking.map((f) => [f.id, f.pkgName])).toEqual([
        ['CVE-2022-40897', 'setuptools'],
        ['CVE-2023-29491', 'ncurses'],
        ['CVE-2023-3817', 'openssl'],
      ]);
    });
  });

  describe('when an entry expires today', () => {
    it.each([
      ['2026-01-30T23:59:59Z', true],
      ['2026-01-31T00:00:00Z', true],
      ['2026-01-31T00:00:01Z', false],
    ])('exp:2026-01-31 at %s is in force: %s', (now, inForce) => {
      const rules = compileIgnoreRules(parsePlainIgnore('CVE-1 exp:2026-01-31', 'f'), 'f', new Date(now));
      expect(rules.active.length === 1).toBe(inForce);
      expect(rules.expired.length === 1).toBe(!inForce);
    });
  });

  describe('when the file does not parse', () => {
    let dir: TempDir;
    beforeAll(async () => {
      dir = await tempDir('trivy-ignore');
    });
    afterAll(() => dir.cleanup());

    it.each([
      ['bad.yaml', 'this file is not a yaml file', /expected a mapping/],
      ['list.yaml', 'vulnerabilities: {id: CVE-1}', /'vulnerabilities' must be a list/],
      ['noid.yaml', 'vulnerabilities:\n  - paths: [a]\n', /noid.yaml:2: vulnerabilities\[0\] has no 'id'/],
      ['purl.yaml', 'vulnerabilities:\n  - id: CVE-1\n    purls: ["deb/debian/x"]\n', /no 'pkg:' scheme/],
      [
        'date.yaml',
        'vulnerabilities:\n  - id: CVE-1\n    expired_at: tomorrow\n',
        /expired_at 'tomorrow' is not a date/,
      ],
      [
        'paths.yaml',
        'vulnerabilities:\n  - id: CVE-1\n    paths: a/b\n',
        /'paths' must be a list of strings/,
      ],
      ['broken.yaml', 'vulnerabilities:\n  - id: [\n', /not valid YAML/],
      ['.trivyignore', 'CVE-1 exp:2023-13-01\n', /\.trivyignore:1: 'exp:2023-13-01' is not exp:YYYY-MM-DD/],
      [
        'yaml-named-plain',
        '# ignores\nvulnerabilities:\n  - id: CVE-1\n',
        /yaml-named-plain:2: this is YAML; name the file \.trivyignore\.yaml/,
      ],
      ['dash-named-plain', '- CVE-1\n', /dash-named-plain:1: this is YAML/],
    ])('%s is an IgnoreFileError', async (name, text, message) => {
      const file = path.join(dir.path, name);
      await writeFile(file, text);
      await expect(readIgnoreFile(file, today)).rejects.toThrow(IgnoreFileError);
      await expect(readIgnoreFile(file, today)).rejects.toThrow(message);
    });

    it('a missing file is an error (never an empty ignore list)', async () => {
      await expect(readIgnoreFile(path.join(dir.path, 'missing.yaml'), today)).rejects.toThrow(
        /cannot read the ignore file .*ENOENT/,
      );
    });

    it('an empty YAML file ignores nothing', async () => {
      const file = path.join(dir.path, 'empty.yaml');
      await writeFile(file, '');
      expect(await readIgnoreFile(file, today)).toEqual({ file, active: [], expired: [] });
      expect(parseYamlIgnore('misconfigurations:\n  - id: AVD-1\n', 'x.yaml')).toEqual([]);
    });
  });
});

describe('purlMatches', () => {
  it.each([
    ['pkg:golang/github.com/aquasecurity/bar', 'pkg:golang/github.com/aquasecurity/bar@v2.3.4', true],
    ['pkg:golang/github.com/aquasecurity/aaa@9.9.9', 'pkg:golang/github.com/aquasecurity/bar@v2.3.4', false],
    ['pkg:golang/github.com/aquasecurity/bar@v2.3.5', 'pkg:golang/github.com/aquasecurity/bar@v2.3.4', false],
    ['pkg:npm/%40babel/core', 'pkg:npm/%40babel/core@7.0.0', true],
    ['pkg:deb/debian/curl?arch=amd64', 'pkg:deb/debian/curl@7.0?arch=amd64&distro=debian-11', true],
    ['pkg:deb/debian/curl?arch=arm64', 'pkg:deb/debian/curl@7.0?arch=amd64', false],
    ['pkg:maven/org.apache/log4j#sub', 'pkg:maven/org.apache/log4j@2.0', false],
    ['pkg:DEB/debian/curl', 'pkg:deb/debian/curl@1', true],
  ])('%s matches %s: %s', (pattern, target, expected) => {
    expect(purlMatches(parsePurl(pattern), parsePurl(target))).toBe(expected);
  });

  it('parses every part', () => {
    expect(
      parsePurl('pkg:npm/%40babel/core@7.0.0?repository_url=https%3A%2F%2Fnpm.lab#lib/index.js'),
    ).toEqual({
      type: 'npm',
      namespace: '@babel',
      name: 'core',
      version: '7.0.0',
      qualifiers: { repository_url: 'https://npm.lab' },
      subpath: 'lib/index.js',
    });
  });
});
