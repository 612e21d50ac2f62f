import type { BlobSource, Descriptor, Manifest, Repository } from './types';
import { digestOf } from './digest';
import { limiter } from './limit';

export interface BlobToPush {
  descriptor: Descriptor;
  source: BlobSource;
}

/** Canonical manifest bytes (what gets pushed and digested). */
export function encodeManifest(manifest: Manifest): Buffer {
  return Buffer.from(JSON.stringify(manifest), 'utf8');
}

/** Descriptor of bytes, with a media type. */
export function describeBytes(mediaType: string, bytes: Buffer): Descriptor {
  return { mediaType, digest: digestOf(bytes), size: bytes.length };
}

/** Pushes every blob, then the manifest (by tag when given, else by digest). Blobs first: a tag never dangles. */
export async function pushManifestWithBlobs(
  repo: Repository,
  blobs: BlobToPush[],
  manifest: { mediaType: string; bytes: Buffer },
  tag?: string,
  options: { concurrency?: number } = {},
): Promise<Descriptor> {
  const run = limiter(Math.max(1, options.concurrency ?? 3));
  await Promise.all(blobs.map((b) => run(() => repo.blobs.push(b.descriptor, b.source))));
  return repo.manifests.push(manifest.mediaType, manifest.bytes, tag);
}
