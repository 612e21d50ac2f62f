import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';
import { formatReference, parseReference, type ImageReference } from '@sovereign-ci/oci';
import { DEFAULT_PATHS } from './file-kind';
import { findFiles } from './find-files';
import { applyMirror, type Mirror } from './mirrors';
import { mapLimit } from '@sovereign-ci/action-kit';
import { PinResolver, type PinRegistryClient, type Resolution } from './resolver';
import { applyReplacements, splitWritten } from './rewrite';
import { scanFile } from './scan-file';
import type { ImageOccurrence, Replacement, SkippedReference } from './types';

export interface RepinOptions {
  /** Directory the globs are relative to (the repository root). */
  root: string;
  paths?: readonly string[];
  mirrors?: readonly Mirror[];
  /** Also rewrite references to their mirror's name. */
  rewriteToMirror?: boolean;
  client: PinRegistryClient;
  concurrency?: number;
  logger: Logger;
}

export interface PinChange {
  file: string;
  line: number;
  /** The image name as written (before any mirror rewrite). */
  image: string;
  tag: string;
  old: string | null;
  new: string;
  /** The full new reference text. */
  reference: string;
  platform?: string;
}

export interface RewrittenFile {
  file: string;
  before: string;
  after: string;
}

export interface RepinResult {
  scannedFiles: number;
  files: RewrittenFile[];
  changes: PinChange[];
  skipped: SkippedReference[];
}

interface Target {
  occurrence: ImageOccurrence;
  ref: ImageReference;
  key: string;
}

const skipOf = (
  o: ImageOccurrence,
  reason: SkippedReference['reason'],
  detail?: string,
): SkippedReference => {
  const s: SkippedReference = { file: o.file, line: o.line, kind: o.kind, image: o.text, reason };
  if (detail !== undefined) s.detail = detail;
  return s;
};

/** Finds, resolves (each unique reference once, concurrently) and rewrites pins in memory. Writes nothing. */
export async function repin(options: RepinOptions): Promise<RepinResult> {
  const { logger } = options;
  const mirrors = options.mirrors ?? [];
  const files = await findFiles(options.root, options.paths ?? DEFAULT_PATHS);
  const texts = new Map<string, string>();
  const skipped: SkippedReference[] = [];
  const targets: Target[] = [];
  for (const file of files) {
    const bytes = await readFile(path.join(options.root, file));
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes)) {
      skipped.push({
        file,
        line: 0,
        kind: 'image-field',
        image: '',
        reason: 'invalid',
        detail: 'not UTF-8 text',
      });
      continue;
    }
    texts.set(file, text);
    const scan = scanFile(file, text);
    skipped.push(...scan.skipped);
    for (const occurrence of scan.occurrences) {
      let ref: ImageReference;
      try {
        ref = parseReference(occurrence.text);
      } catch (error) {
        skipped.push(skipOf(occurrence, 'invalid', (error as Error).message));
        continue;
      }
      if (ref.tag === undefined && ref.digest !== undefined) {
        skipped.push(skipOf(occurrence, 'pinned', 'pinned by digest only: no tag to follow'));
        continue;
      }
      ref.tag ??= 'latest';
      targets.push({ occurrence, ref, key: formatReference(ref) });
    }
  }
  logger.info(`found ${targets.length} image references in ${files.length} files`);

  const resolver = new PinResolver(options.client, mirrors, logger);
  const unique = [...new Map(targets.map((t) => [t.key, t.ref])).entries()];
  const outcomes = new Map<string, Resolution | Error>();
  await mapLimit(unique, options.concurrency ?? 8, async ([key, ref]) => {
    try {
      outcomes.set(key, await resolver.resolve(ref));
    } catch (error) {
      outcomes.set(key, error instanceof Error ? error : new Error(String(error)));
    }
  });

  const changes: PinChange[] = [];
  const replacements = new Map<string, Replacement[]>();
  for (const { occurrence, ref, key } of targets) {
    const outcome = outcomes.get(key);
    if (!outcome || outcome instanceof Error) {
      const src = formatReference(resolver.source({ ...ref, digest: undefined } as ImageReference));
      skipped.push(skipOf(occurrence, 'unresolved', `${src}: ${outcome?.message ?? 'not resolved'}`));
      continue;
    }
    const written = splitWritten(occurrence.text);
    let name = written.name;
    if (options.rewriteToMirror) {
      const mirrored = applyMirror(ref, mirrors);
      if (mirrored !== ref) name = `${mirrored.registry}/${mirrored.repository}`;
    }
    const tag = ref.tag ?? 'latest';
    const text = `${name}:${tag}@${outcome.digest}`;
    if (text === occurrence.text) {
      skipped.push(skipOf(occurrence, 'pinned'));
      continue;
    }
    const list = replacements.get(occurrence.file) ?? [];
    list.push({ start: occurrence.start, end: occurrence.end, text });
    replacements.set(occurrence.file, list);
    const change: PinChange = {
      file: occurrence.file,
      line: occurrence.line,
      image: written.name,
      tag,
      old: ref.digest ?? null,
      new: outcome.digest,
      reference: text,
    };
    if (outcome.platform) change.platform = outcome.platform;
    changes.push(change);
  }

  const rewritten: RewrittenFile[] = [];
  for (const [file, list] of replacements) {
    const before = texts.get(file) ?? '';
    const after = applyReplacements(before, list);
    if (after !== before) rewritten.push({ file, before, after });
  }
  rewritten.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { scannedFiles: files.length, files: rewritten, changes, skipped };
}
