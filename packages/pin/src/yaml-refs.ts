import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { TextPosition } from './text-position';
import type { FileScan, OccurrenceKind } from './types';

export type YamlFileKind = 'compose' | 'workflow' | 'manifest';

const VARIABLE = /\$\{|\$[A-Za-z_]/;

function mapGet(node: unknown, key: string): unknown {
  if (!isMap(node)) return undefined;
  for (const item of node.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key) return item.value;
  }
  return undefined;
}

function mapEntries(node: unknown): unknown[] {
  if (!isMap(node)) return [];
  return node.items.filter(isPair).map((p) => p.value);
}

/**
 * Finds image references in YAML through the `yaml` CST ranges, so a rewrite replaces only the
 * scalar's characters (inside its quotes) and keeps comments, quoting and layout.
 */
export function scanYaml(file: string, text: string, kind: YamlFileKind): FileScan {
  const pos = new TextPosition(text);
  const scan: FileScan = { file, occurrences: [], skipped: [] };
  const visit = (node: unknown, occurrenceKind: OccurrenceKind, prefix = ''): void => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
    if (!node.value.trim().startsWith(prefix)) return;
    const scalar = node as Scalar<string>;
    const [rangeStart, valueEnd] = scalar.range as [number, number, number];
    let start = rangeStart;
    let end = valueEnd;
    if (scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') {
      start += 1;
      end -= 1;
    } else if (scalar.type !== 'PLAIN') {
      const detail = 'a YAML block scalar (| or >) is not rewritten: write the reference on the line';
      scan.skipped.push(pos.skip(file, occurrenceKind, start, scalar.value.trim(), 'unsupported', detail));
      return;
    }
    if (!scalar.value.startsWith(prefix)) return;
    const value = scalar.value.slice(prefix.length);
    start += prefix.length;
    if (value.trim() === '') return;
    if (text.slice(start, end) !== value) {
      scan.skipped.push(
        pos.skip(file, occurrenceKind, start, value, 'invalid', 'escaped or folded YAML scalar'),
      );
    } else if (VARIABLE.test(value) || value.includes('${{')) {
      scan.skipped.push(pos.skip(file, occurrenceKind, start, value, 'variable'));
    } else if (value.toLowerCase() === 'scratch') {
      scan.skipped.push(pos.skip(file, occurrenceKind, start, value, 'scratch'));
    } else {
      scan.occurrences.push(pos.occurrence(file, occurrenceKind, start, end));
    }
  };

  /** Helm's `image: {repository, tag}`: the reference is split over several scalars, so it is reported, not pinned. */
  const skipImageMap = (node: YAMLMap, at: number): void => {
    const part = (key: string): string => {
      const value = mapGet(node, key);
      return isScalar(value) ? String(value.value) : '';
    };
    const tag = part('tag');
    const image = `${part('repository')}${tag ? `:${tag}` : ''}`;
    const detail =
      'a Helm-style image map (repository, tag) is not rewritten: pin it in the chart values by hand';
    scan.skipped.push(pos.skip(file, 'image-field', at, image, 'unsupported', detail));
  };

  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc)) continue;
    if (doc.errors.length > 0) {
      throw new Error(`${file}: invalid YAML: ${doc.errors[0]?.message ?? 'parse error'}`);
    }
    const root = doc.contents;
    if (kind === 'compose') {
      for (const service of mapEntries(mapGet(root, 'services'))) visit(mapGet(service, 'image'), 'compose');
    } else if (kind === 'workflow') {
      for (const job of mapEntries(mapGet(root, 'jobs'))) {
        const container = mapGet(job, 'container');
        if (isScalar(container)) visit(container, 'workflow-container');
        else visit(mapGet(container, 'image'), 'workflow-container');
        for (const service of mapEntries(mapGet(job, 'services')))
          visit(mapGet(service, 'image'), 'workflow-service');
        const steps = mapGet(job, 'steps');
        if (isSeq(steps))
          for (const step of steps.items) visit(mapGet(step, 'uses'), 'workflow-uses', 'docker://');
      }
    } else {
      const walk = (node: unknown): void => {
        if (isMap(node)) {
          for (const item of node.items) {
            if (!isPair(item)) continue;
            const isImage = isScalar(item.key) && item.key.value === 'image';
            if (isImage && isScalar(item.value)) visit(item.value, 'image-field');
            else if (isImage && isMap(item.value) && mapGet(item.value, 'repository') !== undefined)
              skipImageMap(item.value, (item.key as Scalar).range?.[0] ?? 0);
            else walk(item.value as Node);
          }
        } else if (isSeq(node)) node.items.forEach(walk);
      };
      walk(root);
    }
  }
  return scan;
}
