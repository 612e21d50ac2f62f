import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Descriptor, FetchedManifest, ImageIndex, ImageManifest } from '@sovereign-ci/oci';
import { digestOf, isIndexMediaType, MediaType } from '@sovereign-ci/oci';
import type { ImageSource } from '@sovereign-ci/archive';

export interface FakeImage {
  source: ImageSource & { blobReads: string[] };
  manifestDigest: string;
  configDigest: string;
  layers: Descriptor[];
  blobs: Map<string, Buffer>;
  /** Manifest digest per platform. */
  platformDigests: Record<string, string>;
}

function descriptorOf(mediaType: string, bytes: Buffer): Descriptor {
  return { mediaType, digest: digestOf(bytes), size: bytes.length };
}

/** Deterministic pseudo-random bytes (a hash chain), so tests need no fixtures on disk. */
export function pseudoRandom(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * An in-memory registry repository holding one image (or an index of several platforms), serving blobs
 * in 16 KiB chunks. `corrupt` makes one blob's stream carry wrong bytes.
 */
export function fakeImage(
  options: {
    layerSizes?: number[];
    platforms?: string[];
    tag?: string;
    corrupt?: string;
    seed?: string;
  } = {},
): FakeImage {
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { mediaType: string; bytes: Buffer }>();
  const put = (mediaType: string, bytes: Buffer) => {
    const d = descriptorOf(mediaType, bytes);
    blobs.set(d.digest, bytes);
    return d;
  };
  const build = (platform: string) => {
    const [os, architecture] = platform.split('/') as [string, string];
    const tars = (options.layerSizes ?? [40_000, 1_000]).map((s, i) =>
      pseudoRandom(`${options.seed ?? ''}${platform}-${i}`, s),
    );
    const layers = tars.map((t) => put(MediaType.ociLayerTarGzip, gzipSync(t)));
    const config = Buffer.from(
      JSON.stringify({
        created: '2024-05-01T10:00:00Z',
        architecture,
        os,
        config: { Cmd: ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: tars.map((t) => digestOf(t)) },
      }),
    );
    const configDescriptor = put(MediaType.ociConfig, config);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: configDescriptor,
      layers,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const d = descriptorOf(MediaType.ociManifest, bytes);
    manifests.set(d.digest, { mediaType: d.mediaType, bytes });
    return { descriptor: { ...d, platform: { os, architecture } }, config: configDescriptor, layers };
  };
  const platforms = options.platforms ?? ['linux/amd64'];
  const images = platforms.map(build);
  let top = images[0] as (typeof images)[number];
  const tag = options.tag ?? 'v1';
  if (options.platforms) {
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: images.map((i) => i.descriptor),
    };
    const bytes = Buffer.from(JSON.stringify(index));
    const d = descriptorOf(MediaType.ociIndex, bytes);
    manifests.set(d.digest, { mediaType: d.mediaType, bytes });
    manifests.set(tag, { mediaType: d.mediaType, bytes });
  } else {
    manifests.set(tag, manifests.get(top.descriptor.digest) as { mediaType: string; bytes: Buffer });
  }
  const amd = images.find((i) => i.descriptor.platform.architecture === 'amd64');
  if (amd) top = amd;
  const blobReads: string[] = [];
  const source: ImageSource & { blobReads: string[] } = {
    blobReads,
    manifests: {
      async fetch(reference: string): Promise<FetchedManifest> {
        const found = manifests.get(reference);
        if (!found) throw new Error(`manifest unknown: ${reference}`);
        const parsed = JSON.parse(found.bytes.toString('utf8')) as ImageManifest | ImageIndex;
        return {
          descriptor: descriptorOf(found.mediaType, found.bytes),
          bytes: found.bytes,
          manifest: isIndexMediaType(found.mediaType) ? (parsed as ImageIndex) : (parsed as ImageManifest),
        };
      },
    },
    blobs: {
      async fetch(descriptor: Descriptor): Promise<Readable> {
        blobReads.push(descriptor.digest);
        const bytes = blobs.get(descriptor.digest);
        if (!bytes) throw new Error(`blob unknown: ${descriptor.digest}`);
        const served = descriptor.digest === options.corrupt ? Buffer.from(bytes).fill(7, 100, 200) : bytes;
        const chunks: Buffer[] = [];
        for (let off = 0; off < served.length; off += 16 * 1024)
          chunks.push(served.subarray(off, off + 16 * 1024));
        return Readable.from(chunks);
      },
      async fetchBytes(descriptor: Descriptor): Promise<Buffer> {
        const bytes = blobs.get(descriptor.digest);
        if (!bytes) throw new Error(`blob unknown: ${descriptor.digest}`);
        return bytes;
      },
    },
  };
  return {
    source,
    manifestDigest: top.descriptor.digest,
    configDigest: top.config.digest,
    layers: top.layers,
    blobs,
    platformDigests: Object.fromEntries(images.map((i, k) => [platforms[k], i.descriptor.digest])),
  };
}
