import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { createProgress, type Logger } from '@sovereign-ci/action-kit';
import { archiveFileName, planArchive, type ArchivePlan } from './archive-layout';
import { archiveChunks } from './archive-stream';
import {
  discard,
  finishWrite,
  openDestination,
  publish,
  uniqueDestinations,
  writeFailed,
  type OpenDestination,
} from './destination';
import { FanOut } from './fan-out';
import { resolveImage, type ImageName, type ImageSource } from './resolve-image';
import { applyRetention } from './retention';
import { assertSameContents } from './file-compare';
import { verifyArchive } from './verify-archive';

export type ArchiveCompression = 'none' | 'gzip';

export interface SaveArchiveOptions {
  source: ImageSource;
  image: ImageName;
  /** `os/arch[/variant]`, used when the reference names an index. */
  platform: string;
  /** Existing directories; each gets the archive, its `.sha256` and `latest`. */
  destinations: string[];
  /** File name prefix, and the set retention works on. */
  name: string;
  /** Archives of `name` kept per destination. */
  keep: number;
  compression: ArchiveCompression;
  verify: boolean;
  logger: Logger;
  signal?: AbortSignal;
}

export interface DestinationOutcome {
  destination: string;
  /** The archive's path, when it was written. */
  path?: string;
  /** Why it was not, when it was not. */
  error?: string;
  /** Older archives retention removed. */
  removed: string[];
}

export interface SaveArchiveResult {
  /** The saved image manifest's digest (the platform's manifest when the reference named an index). */
  digest: string;
  indexDigest?: string;
  configDigest: string;
  layerDigests: string[];
  fileName: string;
  sha256: string;
  bytes: number;
  /** Paths of the archives written, in destination order. */
  archives: string[];
  destinations: DestinationOutcome[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stripPrefix(destination: string, error: unknown): string {
  const text = message(error);
  const prefix = `destination ${destination}: `;
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** The error to fail with when some destination was not written, naming each; undefined when all were. */
export function failedDestinationsError(result: SaveArchiveResult): Error | undefined {
  const failed = result.destinations.filter((d) => d.error !== undefined);
  if (failed.length === 0) return undefined;
  const lines = failed.map((d) => `${d.destination}: ${d.error}`);
  return new Error(
    `${failed.length} of ${result.destinations.length} destination(s) not written:\n${lines.join('\n')}`,
  );
}

async function writeAll(
  options: SaveArchiveOptions,
  plan: ArchivePlan,
  open: OpenDestination[],
): Promise<FanOut> {
  const fanOut = new FanOut(open.map((d) => ({ label: d.directory, handle: d.handle })));
  const total = plan.blobs.reduce((sum, d) => sum + d.size, 0);
  const progress = createProgress({
    label: `saving ${plan.blobs.length} blobs`,
    logger: options.logger,
    totalBytes: total,
  });
  const source = Readable.from(
    archiveChunks(plan, options.source.blobs, (n) => progress.add(n)),
    {
      objectMode: false,
    },
  );
  const stages: (Readable | Writable)[] =
    options.compression === 'gzip' ? [source, createGzip(), fanOut] : [source, fanOut];
  try {
    await pipeline(stages, options.signal ? { signal: options.signal } : {});
  } finally {
    progress.done();
  }
  return fanOut;
}

/**
 * Reads the image from the registry once and writes one docker-load-compatible archive into every
 * destination at the same time: temp file, fsync, (verify), rename, `.sha256`, `latest`, retention.
 * A destination that fails is reported in its outcome while the others are completed; the call throws
 * only when the image cannot be read or no destination can be written at all.
 */
export async function saveArchive(options: SaveArchiveOptions): Promise<SaveArchiveResult> {
  const { logger } = options;
  const image = await resolveImage(options.source, options.image, options.platform);
  const plan = planArchive(image);
  const digest = image.manifest.descriptor.digest;
  const fileName = archiveFileName(options.name, digest, options.compression);
  logger.info(
    `${digest}${image.indexDigest ? ` (${options.platform} of ${image.indexDigest})` : ''} -> ${fileName}`,
  );

  const directories = await uniqueDestinations(options.destinations);
  const outcomes = new Map<string, DestinationOutcome>(
    directories.map((d) => [d, { destination: d, removed: [] }]),
  );
  const fail = (destination: string, error: unknown) => {
    const outcome = outcomes.get(destination) as DestinationOutcome;
    outcome.error = stripPrefix(destination, error);
    logger.warning(`destination ${destination}: ${outcome.error}`);
  };

  const opened = await Promise.allSettled(directories.map((d) => openDestination(d, fileName)));
  let open: OpenDestination[] = [];
  opened.forEach((r, i) => {
    if (r.status === 'fulfilled') open.push(r.value);
    else fail(directories[i] as string, r.reason);
  });
  if (open.length === 0) {
    throw new Error(
      `no destination could be written:\n${[...outcomes.values()].map((o) => `${o.destination}: ${o.error}`).join('\n')}`,
    );
  }

  let fanOut: FanOut;
  try {
    fanOut = await writeAll(options, plan, open);
  } catch (error) {
    await Promise.all(open.map(discard));
    throw error;
  }
  const sha256 = fanOut.sha256();
  const keepIf = async (dest: OpenDestination, step: () => Promise<void>): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (error) {
      fail(dest.directory, error);
      await discard(dest);
      return false;
    }
  };
  const survivors = async (step: (d: OpenDestination) => Promise<void>) => {
    const ok = await Promise.all(open.map((d) => keepIf(d, () => step(d))));
    open = open.filter((_, i) => ok[i]);
  };
  await survivors(async (d) => {
    const failure = fanOut.failures.get(d.directory);
    if (failure) throw writeFailed(d.directory, failure);
    await finishWrite(d);
  });
  if (options.verify) open = await verifyCopies(open, { sha256, plan }, keepIf, logger);
  await survivors(async (d) => {
    await publish(d, sha256);
    const outcome = outcomes.get(d.directory) as DestinationOutcome;
    outcome.path = d.finalPath;
    const { removed } = await applyRetention(d.directory, options.name, options.keep);
    outcome.removed = removed;
    for (const file of removed) logger.info(`${d.directory}: removed ${file} (keep ${options.keep})`);
  });

  const destinations = [...outcomes.values()];
  const result: SaveArchiveResult = {
    digest,
    configDigest: image.config.descriptor.digest,
    layerDigests: image.manifest.parsed.layers.map((l) => l.digest),
    fileName,
    sha256,
    bytes: fanOut.bytes,
    archives: destinations.flatMap((d) => (d.path ? [d.path] : [])),
    destinations,
  };
  if (image.indexDigest) result.indexDigest = image.indexDigest;
  return result;
}

/**
 * One copy is read back whole: its sha256 against what was written, and parsed (manifest.json,
 * index.json, oci-layout, every blob's digest). Every other copy must then equal it byte for byte, which
 * is a memory comparison rather than another hash pass; it runs in parallel with the first check. Should
 * the first copy fail, the next one is checked in full instead, and so on.
 */
async function verifyCopies(
  open: OpenDestination[],
  expected: { sha256: string; plan: ArchivePlan },
  keepIf: (dest: OpenDestination, step: () => Promise<void>) => Promise<boolean>,
  logger: Logger,
): Promise<OpenDestination[]> {
  for (let first = 0; first < open.length; first++) {
    const reference = open[first] as OpenDestination;
    const rest = open.slice(first + 1);
    // A mismatch only counts once the reference itself has passed: a copy may differ from a bad one.
    const [referenceOk, ...mismatches] = await Promise.all([
      keepIf(reference, () => verifyArchive(reference.tempPath, expected)),
      ...rest.map((d) =>
        assertSameContents(reference.tempPath, d.tempPath).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    ]);
    if (!referenceOk) continue;
    const verified = [reference];
    for (const [i, d] of rest.entries()) {
      const mismatch = mismatches[i];
      if (
        await keepIf(d, async () => {
          if (mismatch !== undefined) throw mismatch;
        })
      )
        verified.push(d);
    }
    logger.info(
      `verified ${verified.length} archive(s): sha256 ${expected.sha256}, ${expected.plan.blobs.length} blobs`,
    );
    return verified;
  }
  return [];
}
