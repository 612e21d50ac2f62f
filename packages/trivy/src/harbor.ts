import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@sovereign-ci/action-kit';
import { Agent, request, type Dispatcher } from 'undici';
import type { Finding, ScanReport, ScanTarget } from './model';
import { normalizeSeverity } from './severity';

/** Harbor's vulnerability report MIME types (its scanner adapter API), preferred first. */
export const HARBOR_REPORT_TYPES = [
  'application/vnd.security.vulnerability.report; version=1.1',
  'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0',
] as const;

export interface HarborOptions {
  /** `https://harbor.lab` (the API is under /api/v2.0). */
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
  /** How long to wait for a Pending/Running scan. */
  waitMs: number;
  pollMs?: number;
  logger: Logger;
  timeoutMs?: number;
}

export class HarborError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HarborError';
  }
}

interface ScanOverview {
  scan_status?: string;
  report_id?: string;
  summary?: { total?: number; fixable?: number; summary?: Record<string, number> };
}

interface HarborVulnerability {
  id: string;
  package?: string;
  version?: string;
  fix_version?: string;
  severity?: string;
  description?: string;
  links?: string[];
}

interface HarborReport {
  severity?: string;
  scanner?: { name?: string; version?: string };
  vulnerabilities?: HarborVulnerability[] | null;
}

const WAITING = new Set(['Pending', 'Running', 'Scheduled']);

/** `harbor.lab/team/sub/app` -> project `team`, repository `sub/app`. */
export function harborPath(repository: string): { project: string; repository: string } {
  const slash = repository.indexOf('/');
  if (slash <= 0)
    throw new HarborError(`'${repository}' has no Harbor project (expected <project>/<repository>)`);
  return { project: repository.slice(0, slash), repository: repository.slice(slash + 1) };
}

/** Harbor's severities onto Trivy's: `Negligible` -> LOW, `None` -> UNKNOWN. */
export function harborSeverity(value: string | undefined): Finding['severity'] {
  if (value === 'Negligible') return 'LOW';
  return normalizeSeverity(value);
}

/** Harbor's report onto the scan model. Harbor says nothing of status or package class. */
export function harborReportToScan(report: HarborReport, target: string): ScanReport {
  const result: ScanTarget = { target };
  const list: unknown = report.vulnerabilities;
  if (list !== undefined && list !== null && !Array.isArray(list))
    throw new HarborError("Harbor report: 'vulnerabilities' is not a list");
  const findings: Finding[] = (report.vulnerabilities ?? []).map((v) => {
    if (!v || typeof v.id !== 'string') throw new HarborError('Harbor report: a vulnerability without id');
    const title = v.description?.split('\n')[0]?.trim();
    return {
      id: v.id,
      pkgName: v.package ?? '',
      installedVersion: v.version ?? '',
      fixedVersion: v.fix_version || undefined,
      severity: harborSeverity(v.severity),
      title: title ? (title.length > 120 ? `${title.slice(0, 119)}…` : title) : undefined,
      primaryUrl: v.links?.[0],
      result,
    };
  });
  return { artifactName: target, artifactType: 'container_image', results: [result], findings };
}

/** Reads the scan Harbor ran on an artifact, waiting for a Pending/Running scan up to `waitMs`. */
export class HarborScanSource {
  private readonly base: string;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(private readonly options: HarborOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/api/v2.0`;
    this.dispatcher = options.caFile
      ? new Agent({ connect: { ca: readFileSync(options.caFile) } })
      : undefined;
  }

  /** `repository` is the path inside the registry (`team/app`); `digest` is `sha256:…`. */
  async scan(repository: string, digest: string): Promise<ScanReport> {
    const { project, repository: repo } = harborPath(repository);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest))
      throw new HarborError(`expected a sha256 digest, got '${digest}'`);
    // Harbor wants the repository name URL-encoded twice (a '/' becomes %252F).
    const artifact = `${this.base}/projects/${encodeURIComponent(project)}/repositories/${encodeURIComponent(
      encodeURIComponent(repo),
    )}/artifacts/${digest}`;
    const deadline = Date.now() + this.options.waitMs;
    let overview: ScanOverview | undefined;
    for (;;) {
      const body = (await this.get(`${artifact}?with_scan_overview=true`)) as {
        scan_overview?: Record<string, ScanOverview>;
      };
      overview = pick(body.scan_overview);
      const status = overview?.scan_status;
      if (!overview || !status)
        throw new HarborError(`Harbor has no scan of ${repository}@${digest} (not scanned)`);
      if (status === 'Success') break;
      if (!WAITING.has(status))
        throw new HarborError(`Harbor's scan of ${repository}@${digest} ended with status ${status}`);
      if (Date.now() >= deadline) {
        throw new HarborError(
          `Harbor's scan of ${repository}@${digest} is still ${status} after ${this.options.waitMs} ms`,
        );
      }
      this.options.logger.info(`Harbor scan of ${repository}@${digest}: ${status}; waiting`);
      await sleep(Math.min(this.options.pollMs ?? 5000, Math.max(0, deadline - Date.now())));
    }
    const additions = (await this.get(`${artifact}/additions/vulnerabilities`)) as Record<
      string,
      HarborReport
    >;
    const report = pick(additions);
    if (!report) throw new HarborError(`Harbor returned no vulnerability report for ${repository}@${digest}`);
    const scan = harborReportToScan(report, `${repository}@${digest}`);
    // The overview counts the same report: fewer findings than it says is a truncated report, never a pass.
    const total = overview.summary?.total;
    if (typeof total === 'number' && scan.findings.length < total) {
      throw new HarborError(
        `Harbor's report of ${repository}@${digest} lists ${scan.findings.length} vulnerabilities, its scan overview ${total}`,
      );
    }
    return scan;
  }

  private async get(url: string): Promise<unknown> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-accept-vulnerabilities': HARBOR_REPORT_TYPES.join(', '),
    };
    if (this.options.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64')}`;
    }
    const path = new URL(url).pathname;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.dispatcher,
        headersTimeout: this.options.timeoutMs ?? 30_000,
        bodyTimeout: this.options.timeoutMs ?? 30_000,
      });
    } catch (error) {
      throw new HarborError(`GET ${path}: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw new HarborError(
        `GET ${path}: HTTP ${response.statusCode}${harborMessage(text)}`,
        response.statusCode,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HarborError(`GET ${path}: the response is not JSON`);
    }
  }
}

function pick<T>(byType: Record<string, T> | undefined): T | undefined {
  if (!byType) return undefined;
  for (const type of HARBOR_REPORT_TYPES) if (byType[type]) return byType[type];
  return Object.values(byType)[0];
}

function harborMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    return first ? ` (${first.code ?? ''}: ${first.message ?? ''})` : '';
  } catch {
    return '';
  }
}
