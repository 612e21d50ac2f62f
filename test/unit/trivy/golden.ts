import { readdirSync, readFileSync } from 'node:fs';
import { fixturePath } from '../../harness/fixtures';

/** The raw JSON of a Trivy report golden, as loosely typed as the test needs. */
export interface RawReport {
  Results?: { Target: string; Class?: string; Vulnerabilities?: Record<string, string>[] }[];
}

export const goldenDir = () => fixturePath('trivy', 'reports');

export function goldenNames(): string[] {
  return readdirSync(goldenDir())
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function goldenPath(name: string): string {
  return fixturePath('trivy', 'reports', name);
}

export function rawGolden(name: string): RawReport {
  return JSON.parse(readFileSync(goldenPath(name), 'utf8')) as RawReport;
}

/** `ID|package|installed|target` of every vulnerability in a golden, sorted. */
export function goldenVulnKeys(name: string): string[] {
  const keys: string[] = [];
  for (const result of rawGolden(name).Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      keys.push(`${v.VulnerabilityID}|${v.PkgName}|${v.InstalledVersion}|${result.Target}`);
    }
  }
  return keys.sort();
}
