import type { ProbeReport } from './probe';

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Gauges in the Prometheus text format, for node-exporter's textfile collector (write to a temp file in the
 * collector's directory, then rename, so the collector never reads half a file).
 */
export function renderPrometheus(report: ProbeReport, instance: string, nowSeconds: number): string {
  const labels = `instance="${label(instance)}"`;
  const gauges: [string, string, number][] = [
    [
      'registry_manifest_integrity_ok',
      'Whether every manifest, child and blob checked was intact (1) or not (0).',
      report.broken.length === 0 ? 1 : 0,
    ],
    [
      'registry_manifest_integrity_broken',
      'Broken references found by the last probe.',
      report.broken.length,
    ],
    [
      'registry_manifest_integrity_repositories',
      'Repositories checked by the last probe.',
      report.checked.repositories,
    ],
    ['registry_manifest_integrity_tags', 'Tags checked by the last probe.', report.checked.tags],
    [
      'registry_manifest_integrity_manifests',
      'Manifests checked by the last probe.',
      report.checked.manifests,
    ],
    ['registry_manifest_integrity_blobs', 'Blobs checked by the last probe.', report.checked.blobs],
    ['registry_manifest_integrity_last_run_timestamp_seconds', 'When the last probe finished.', nowSeconds],
  ];
  return gauges
    .map(
      ([name, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{${labels}} ${value}\n`,
    )
    .join('');
}
