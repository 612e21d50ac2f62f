import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { Parser, type ReadEntry } from 'tar';
import type { ArchivePlan, DockerManifestItem } from './archive-layout';
import { blobPath } from './archive-layout';
import { checksumFile } from './file-checksum';

const SMALL_ENTRIES = new Set(['manifest.json', 'index.json', 'oci-layout']);
const MAX_SMALL = 8 * 1024 * 1024;

export interface ArchiveExpectation {
  sha256: string;
  plan: ArchivePlan;
  /**
   * `full` (default): everything below. `checksum`: the file's sha256 only, which is enough for a copy
   * of a file verified in full: the same sha256 means the same bytes, so the same entries and digests.
   */
  depth?: 'full' | 'checksum';
}

interface ReadBack {
  small: Map<string, Buffer>;
  blobs: Map<string, string>;
  sizes: Map<string, number>;
  paths: string[];
}

async function readBack(file: string): Promise<ReadBack> {
  const small = new Map<string, Buffer>();
  const blobs = new Map<string, string>();
  const sizes = new Map<string, number>();
  const paths: string[] = [];
  const problems: string[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry(entry: ReadEntry) {
      const name = entry.path.replace(/\/$/, '');
      paths.push(name);
      const blob = /^blobs\/(sha256|sha512)\/([0-9a-f]+)$/.exec(name);
      let hash: Hash | undefined;
      const parts: Buffer[] = [];
      let size = 0;
      let blobSize = 0;
      if (blob) hash = createHash(blob[1] as string);
      entry.on('data', (chunk: Buffer) => {
        hash?.update(chunk);
        blobSize += chunk.length;
        if (SMALL_ENTRIES.has(name)) {
          size += chunk.length;
          if (size <= MAX_SMALL) parts.push(chunk);
        }
      });
      entry.on('end', () => {
        if (blob) {
          const name = `${blob[1]}:${blob[2]}`;
          blobs.set(name, `${blob[1]}:${(hash as Hash).digest('hex')}`);
          sizes.set(name, blobSize);
        }
        if (SMALL_ENTRIES.has(name)) {
          if (size > MAX_SMALL) problems.push(`${name} is larger than ${MAX_SMALL} bytes`);
          else small.set(name, Buffer.concat(parts));
        }
      });
    },
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
  });
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    if (!parser.write(chunk)) await once(parser, 'drain');
  }
  parser.end();
  await parsed;
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { small, blobs, sizes, paths };
}

/**
 * Reads a written archive back and checks it is the one planned: its sha256, `manifest.json` and
 * `index.json` (exact bytes, and every path they name present), `oci-layout`, every blob's size and
 * digest against its file name (only the checksum with `depth: 'checksum'`). gzip is detected and undone
 * by the tar parser.
 */
export async function verifyArchive(file: string, expected: ArchiveExpectation): Promise<void> {
  const errors: string[] = [];
  // The file's checksum is computed in a worker while this thread parses the tar and hashes the blobs.
  const [checksum, got] = await Promise.all([
    checksumFile(file),
    expected.depth === 'checksum' ? undefined : readBack(file),
  ]);
  if (checksum.sha256 !== expected.sha256)
    errors.push(`sha256 is ${checksum.sha256}, wrote ${expected.sha256}`);
  if (got) checkEntries(got, expected, errors);
  if (errors.length > 0) throw new Error(`verification failed: ${errors.join('; ')}`);
}

function checkEntries(got: ReadBack, expected: ArchiveExpectation, errors: string[]): void {
  for (const [digest, actual] of got.blobs) {
    if (digest !== actual) errors.push(`${blobPath(digest)} has digest ${actual}`);
  }
  for (const blob of expected.plan.blobs) {
    const size = got.sizes.get(blob.digest);
    if (size === undefined) errors.push(`${blobPath(blob.digest)} is missing`);
    else if (size !== blob.size)
      errors.push(`${blobPath(blob.digest)} has ${size} bytes, expected ${blob.size}`);
  }
  const manifestJson = got.small.get('manifest.json');
  if (!manifestJson?.equals(expected.plan.manifestJson))
    errors.push('manifest.json differs from the one written');
  else {
    const items = JSON.parse(manifestJson.toString('utf8')) as DockerManifestItem[];
    for (const item of items) {
      for (const p of [item.Config, ...item.Layers]) {
        if (!got.paths.includes(p)) errors.push(`manifest.json names ${p}, which is not in the archive`);
      }
    }
  }
  const indexJson = got.small.get('index.json');
  if (!indexJson?.equals(expected.plan.indexJson)) errors.push('index.json differs from the one written');
  else {
    const index = JSON.parse(indexJson.toString('utf8')) as { manifests: { digest: string }[] };
    for (const m of index.manifests) {
      if (!got.blobs.has(m.digest)) errors.push(`index.json names ${m.digest}, which is not in the archive`);
    }
  }
  if (!got.small.get('oci-layout')?.equals(expected.plan.ociLayout))
    errors.push('oci-layout is missing or wrong');
  if (errors.length > 0) throw new Error(`verification failed: ${errors.join('; ')}`);
}
