/**
 * Gating a 50,000-finding Trivy report: time and peak RSS of the gate (stream-parse, evaluate, render the
 * blocking table) against plain JSON.parse of the same file, each measured in a fresh process.
 * The report is built in a temp dir by replicating Trivy's own report goldens, and removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath } from '../test/harness/fixtures';

const FINDINGS = 50_000;
const PER_RESULT = 500;
const here = fileURLToPath(import.meta.url);

interface Golden {
  Results?: { Target: string; Class?: string; Type?: string; Vulnerabilities?: unknown[] }[];
}

async function buildReport(file: string): Promise<number> {
  const dir = fixturePath('trivy', 'reports');
  const vulns: { result: { Target: string; Class?: string; Type?: string }; vuln: unknown }[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const golden = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Golden;
    for (const result of golden.Results ?? []) {
      for (const vuln of result.Vulnerabilities ?? []) vulns.push({ result, vuln });
    }
  }
  const out = createWriteStream(file);
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  await write(
    '{\n  "SchemaVersion": 2,\n  "ArtifactName": "bench/replicated",\n  "ArtifactType": "container_image",\n  "Results": [',
  );
  for (let r = 0; r * PER_RESULT < FINDINGS; r++) {
    const first = vulns[r % vulns.length]!.result;
    const chunk = [];
    for (let j = 0; j < PER_RESULT && r * PER_RESULT + j < FINDINGS; j++)
      chunk.push(vulns[(r * PER_RESULT + j) % vulns.length]!.vuln);
    const result = {
      Target: `${first.Target} #${r}`,
      Class: first.Class,
      Type: first.Type,
      Vulnerabilities: chunk,
    };
    await write(`${r === 0 ? '' : ','}\n    ${JSON.stringify(result, null, 2).replace(/\n/g, '\n    ')}`);
  }
  await write('\n  ]\n}\n');
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return statSync(file).size;
}

async function child(mode: string, file: string): Promise<void> {
  const gate = mode === 'parse' ? undefined : await import('../packages/trivy/src/index');
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let findings: number;
  let blocking: number | undefined;
  if (!gate) {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Golden;
    findings = (report.Results ?? []).reduce((sum, r) => sum + (r.Vulnerabilities?.length ?? 0), 0);
  } else {
    // The whole gate: stream-parse, a .trivyignore, the policy, the failure table and the summary.
    const {
      readTrivyReport,
      evaluatePolicy,
      gateErrorFor,
      renderMarkdownSummary,
      compileIgnoreRules,
      parsePlainIgnore,
    } = gate;
    const report = await readTrivyReport(file);
    const ignore = compileIgnoreRules(
      parsePlainIgnore('CVE-2019-14697\nCVE-2021-44228 exp:2020-01-01\n', '.trivyignore'),
      '.trivyignore',
      new Date(),
    );
    const verdict = evaluatePolicy(report, {
      severities: ['CRITICAL', 'HIGH'],
      ignoreUnfixed: true,
      maxFindings: 0,
      ignore,
    });
    const rendered = gateErrorFor(verdict).message.length + renderMarkdownSummary(report, verdict).length;
    blocking = rendered > 0 ? verdict.blocking.length : -1;
    findings = report.findings.length;
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, peakRssMb, findings, blocking })}\n`);
}

interface Measured {
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  findings: number;
  blocking?: number;
}

function measure(mode: string, file: string): Measured {
  const output = execFileSync(process.execPath, [...process.execArgv, here, '--child', mode, file], {
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').pop()!) as Measured;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, args[2]!);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trivy-gate-bench-'));
  try {
    const file = path.join(dir, 'report.json');
    const bytes = await buildReport(file);
    const gate = measure('gate', file);
    const parse = measure('parse', file);
    const round = (n: number) => Math.round(n * 10) / 10;
    const line = {
      bench: 'trivy-gate',
      findings: gate.findings,
      blocking: gate.blocking,
      reportMb: round(bytes / 1024 / 1024),
      ms: round(gate.ms),
      cpuMs: round(gate.cpuMs),
      peakRssMb: round(gate.peakRssMb),
      jsonParseMs: round(parse.ms),
      jsonParseCpuMs: round(parse.cpuMs),
      jsonParsePeakRssMb: round(parse.peakRssMb),
      msRatio: round(gate.ms / parse.ms),
      rssRatio: round(gate.peakRssMb / parse.peakRssMb),
      targets: { ms: 1000, peakRssMb: 300 },
      pass: gate.ms < 1000 && gate.peakRssMb < 300 && gate.findings === parse.findings,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
