import { globalScope } from './compute-tags';
import type { MetadataContext } from './metadata-context';
import { renderTemplate } from './template';

/** Sorted copy of a string map (labels and annotations are output sorted by key, as metadata-action does). */
export function sortedRecord(map: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key] as string;
  return out;
}

/**
 * The `org.opencontainers.image.*` labels that follow from the run: created, revision, source, url,
 * version, title (and description/licenses when the event payload has them).
 */
export function ociLabels(context: MetadataContext, version: string | undefined): Record<string, string> {
  const repo = context.payload.repository;
  const htmlUrl =
    repo?.html_url ??
    (context.serverUrl && context.repository ? `${context.serverUrl}/${context.repository}` : '');
  const title = repo?.name ?? context.repository?.split('/').pop() ?? '';
  const labels: Record<string, string> = {
    'org.opencontainers.image.created': context.now.toISOString(),
    'org.opencontainers.image.revision': context.sha,
    'org.opencontainers.image.source': htmlUrl,
    'org.opencontainers.image.title': title,
    'org.opencontainers.image.url': htmlUrl,
    'org.opencontainers.image.version': version ?? '',
  };
  if (repo?.description) labels['org.opencontainers.image.description'] = repo.description;
  if (repo?.license?.spdx_id && repo.license.spdx_id !== 'NOASSERTION') {
    labels['org.opencontainers.image.licenses'] = repo.license.spdx_id;
  }
  return labels;
}

/**
 * Merges user `KEY=value` entries over the computed ones (the user wins). Values may use the global
 * expressions (`{{branch}}`, `{{sha}}`, `{{date 'YYYY'}}`, …). Computed entries with empty values are dropped.
 */
export function mergeLabels(
  computed: Readonly<Record<string, string>>,
  user: Readonly<Record<string, string>>,
  context: MetadataContext,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries(computed)) if (value !== '') merged[key] = value;
  const scope = globalScope(context);
  for (const [key, value] of Object.entries(user)) merged[key] = renderTemplate(value, scope);
  return sortedRecord(merged);
}
