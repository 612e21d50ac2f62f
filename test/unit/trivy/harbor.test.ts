import { afterEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '@sovereign-ci/action-kit';
import {
  evaluatePolicy,
  HarborError,
  HarborScanSource,
  harborPath,
  type ScanReport,
} from '@sovereign-ci/trivy';
import { goldenVulnKeys, rawGolden } from './golden';
import { startFakeServer, type FakeServer } from './http-fake';

/*
 * Harbor cannot run here and no Harbor swagger is among the fixtures: this fake serves the shapes Harbor
 * documents for API v2.0 (artifact `scan_overview` keyed by report MIME type with `scan_status`; the
 * `additions/vulnerabilities` report keyed the same way, with `vulnerabilities[]` of id, package, version,
 * fix_version, severity, description, links). Its data is Trivy's alpine-39 golden, re-shaped as Harbor's
 * Trivy adapter reports it, so the mapping is checked against Trivy's own filtering.
 */
const MIME = 'application/vnd.security.vulnerability.report; version=1.1';
const digest = `sha256:${'cd'.repeat(32)}`;
const titleCase = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();

function harborVulnerabilities() {
  return (rawGolden('alpine-39.json').Results ?? []).flatMap((r) =>
    (r.Vulnerabilities ?? []).map((v) => ({
      id: v.VulnerabilityID,
      package: v.PkgName,
      version: v.InstalledVersion,
      fix_version: v.FixedVersion,
      severity: titleCase(v.Severity!),
      description: v.Description,
      links: [v.PrimaryURL],
      layer: { digest: 'sha256:00', diff_id: 'sha256:01' },
      preferred_cvss: { score_v3: 9.8 },
      cwe_ids: ['CWE-20'],
    })),
  );
}

interface Plan {
  statuses: (string | undefined)[];
  auth?: string;
  /** The report's `vulnerabilities` (default: all six of alpine-39, as the overview counts). */
  vulnerabilities?: unknown;
}

async function fakeHarbor(plan: Plan): Promise<FakeServer> {
  let polls = 0;
  const base = `/api/v2.0/projects/team/repositories/sub%252Fapp/artifacts/${digest}`;
  return startFakeServer((req, res) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (plan.auth && req.headers.authorization !== plan.auth) {
      json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] });
      return;
    }
    if (req.url === `${base}?with_scan_overview=true`) {
      const status = plan.statuses[Math.min(polls++, plan.statuses.length - 1)];
      json(200, {
        digest,
        media_type: 'application/vnd.oci.image.manifest.v1+json',
        ...(status
          ? {
              scan_overview: {
                [MIME]: {
                  report_id: 'r1',
                  scan_status: status,
                  severity: 'Critical',
                  complete_percent: status === 'Success' ? 100 : 40,
                  summary: { total: 6, fixable: 6, summary: { Critical: 2, Medium: 4 } },
                },
              },
            }
          : {}),
      });
      return;
    }
    if (req.url === `${base}/additions/vulnerabilities`) {
      json(200, {
        [MIME]: {
          generated_at: '2026-12-04T00:00:00Z',
          scanner: { name: 'Trivy', vendor: 'Aqua Security', version: 'v0.58.1' },
          severity: 'Critical',
          vulnerabilities: 'vulnerabilities' in plan ? plan.vulnerabilities : harborVulnerabilities(),
        },
      });
      return;
    }
    json(404, { errors: [{ code: 'NOT_FOUND', message: `no route ${req.url}` }] });
  });
}

describe('HarborScanSource', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const source = (url: string, extra: Partial<ConstructorParameters<typeof HarborScanSource>[0]> = {}) =>
    new HarborScanSource({ url, waitMs: 2000, pollMs: 10, logger: recordingLogger(), ...extra });

  describe('when the scan is still running at first', () => {
    it('waits, then maps the report so the gate equals Trivy filtering the same scan', async () => {
      const auth = `Basic ${Buffer.from('robot$ci:s3cret').toString('base64')}`;
      server = await fakeHarbor({ statuses: ['Pending', 'Running', 'Success'], auth });
      const report: ScanReport = await source(server.url, { username: 'robot$ci', password: 's3cret' }).scan(
        'team/sub/app',
        digest,
      );
      expect(server.requests.map((r) => r.url.replace(/artifacts\/.*?(\?|\/|$)/, 'artifacts/D$1'))).toEqual([
        '/api/v2.0/projects/team/repositories/sub%252Fapp/artifacts/D?with_scan_overview=true',
        '/api/v2.0/projects/team/repositories/sub%252Fapp/artifacts/D?with_scan_overview=true',
        '/api/v2.0/projects/team/repositories/sub%252Fapp/artifacts/D?with_scan_overview=true',
        '/api/v2.0/projects/team/repositories/sub%252Fapp/artifacts/D/additions/vulnerabilities',
      ]);
      expect(server.requests[0]!.headers['x-accept-vulnerabilities']).toContain(MIME);
      const first = report.findings.find((f) => f.id === 'CVE-2019-14697')!;
      expect(first).toEqual({
        id: 'CVE-2019-14697',
        pkgName: 'musl',
        installedVersion: '1.1.20-r4',
        fixedVersion: '1.1.20-r5',
        severity: 'CRITICAL',
        // Harbor has no title: the description's first line, clipped to 120 characters.
        title: expect.stringMatching(
          /^musl libc through 1\.1\.23 has an x87 floating-point stack adjustment imbalance, related to the math\/i386\/ directory\. In …$/,
        ),
        primaryUrl: 'https://avd.aquasec.com/nvd/cve-2019-14697',
        result: { target: `team/sub/app@${digest}` },
      });
      const verdict = evaluatePolicy(report, {
        severities: ['HIGH', 'CRITICAL'],
        ignoreUnfixed: true,
        maxFindings: 0,
      });
      const keys = verdict.blocking.map((f) => `${f.id}|${f.pkgName}|${f.installedVersion}`).sort();
      expect(keys).toEqual(
        goldenVulnKeys('alpine-39-high-critical.json').map((k) => k.split('|').slice(0, 3).join('|')),
      );
    });
  });

  describe('when the scan does not succeed', () => {
    it.each([
      [['Running'], /is still Running after 100 ms/],
      [[undefined], /Harbor has no scan of team\/sub\/app@sha256:(cd)+ \(not scanned\)/],
      [['Error'], /ended with status Error/],
      [['Stopped'], /ended with status Stopped/],
    ])('statuses %j: %s', async (statuses, message) => {
      server = await fakeHarbor({ statuses });
      await expect(source(server.url, { waitMs: 100 }).scan('team/sub/app', digest)).rejects.toThrow(message);
    });

    it.each([
      ['null', null, /lists 0 vulnerabilities, its scan overview 6/],
      ['missing', undefined, /lists 0 vulnerabilities, its scan overview 6/],
      ['cut short', harborVulnerabilities().slice(0, 5), /lists 5 vulnerabilities, its scan overview 6/],
      ['not a list', { id: 'CVE-1' }, /'vulnerabilities' is not a list/],
    ])('a report whose vulnerabilities are %s is a HarborError, never a pass', async (_l, vulns, message) => {
      server = await fakeHarbor({ statuses: ['Success'], vulnerabilities: vulns });
      const error = await source(server.url)
        .scan('team/sub/app', digest)
        .catch((e: unknown) => e);
      expect([error instanceof HarborError, (error as Error).message]).toEqual([
        true,
        expect.stringMatching(message),
      ]);
    });

    it('an authentication failure is a HarborError without the credentials', async () => {
      server = await fakeHarbor({ statuses: ['Success'], auth: 'Basic bm9ib2R5' });
      const attempt = source(server.url, { username: 'robot$ci', password: 'wrong-password' }).scan(
        'team/sub/app',
        digest,
      );
      await expect(attempt).rejects.toThrow(HarborError);
      const error = (await source(server.url, { username: 'robot$ci', password: 'wrong-password' })
        .scan('team/sub/app', digest)
        .catch((e: unknown) => e)) as HarborError;
      expect([error.status, error.message.includes('wrong-password')]).toEqual([401, false]);
      expect(error.message).toMatch(/HTTP 401 \(UNAUTHORIZED: unauthorized\)/);
    });
  });

  describe('harborPath', () => {
    it.each([
      ['team/app', { project: 'team', repository: 'app' }],
      ['docker-hub/library/alpine', { project: 'docker-hub', repository: 'library/alpine' }],
    ])('%s -> %j', (repo, expected) => {
      expect(harborPath(repo)).toEqual(expected);
    });
    it('needs a project', () => {
      expect(() => harborPath('app')).toThrow(/has no Harbor project/);
    });
  });
});
