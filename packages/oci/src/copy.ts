import { Readable } from 'node:stream';
import type { Logger } from '@sovereign-ci/action-kit';
import type { Descriptor, FetchedManifest, ImageIndex, ImageManifest } from './types';
import type { RegistryClient } from './client';
import { limiter } from './limit';
import { isIndexMediaType } from './media-types';
import { formatReference, normalizeRegistry, type ImageReference } from './reference';
import { RegistryError } from './registry-error';
import type { RemoteRepository } from './repository';

export interface CopyProgress {
  kind: 'blob' | 'manifest';
  descriptor: Descriptor;
  /** What happened: already there, mounted from the source repository, streamed across, pushed. */
  action: 'exists' | 'mounted' | 'copied' | 'pushed';
}

export interface CopyOptions {
  /** Blob transfers at once (default 4). */
  concurrency?: number;
  logger?: Logger;
  onProgress?: (event: CopyProgress) => void;
}

/**
 * Copies an image or index with every child and blob. Blobs go before the manifests that name
 * them, children before their index, and the tag last — so the tag never points at something
 * incomplete. Mounts when both sides are in one registry; streams (verified) otherwise.
 * Tags `target.tag`, or pushes by digest when the target has none. Returns the root descriptor.
 */
export async function copyImage(
  client: RegistryClient,
  source: ImageReference,
  target: ImageReference,
  options: CopyOptions = {},
): Promise<Descriptor> {
  const src = client.repositoryFor(source);
  const dst = client.repositoryFor(target);
  const sameRegistry = normalizeRegistry(source.registry) === normalizeRegistry(target.registry);
  const run = limiter(Math.max(1, options.concurrency ?? 4));
  const blobsDone = new Map<string, Promise<void>>();
  const report = (event: CopyProgress) => options.onProgress?.(event);

  const copyBlob = (d: Descriptor): Promise<void> => {
    let done = blobsDone.get(d.digest);
    if (!done) {
      done = run(async () => {
        if (await dst.blobs.exists(d.digest))
          return report({ kind: 'blob', descriptor: d, action: 'exists' });
        if (sameRegistry && src.name !== dst.name && (await dst.blobs.mount(d, src.name))) {
          return report({ kind: 'blob', descriptor: d, action: 'mounted' });
        }
        await dst.blobs.push(d, () => lazyStream(() => src.blobs.fetch(d)));
        report({ kind: 'blob', descriptor: d, action: 'copied' });
      });
      blobsDone.set(d.digest, done);
    }
    return done;
  };

  const copyTree = async (node: FetchedManifest): Promise<void> => {
    if (isIndexMediaType(node.descriptor.mediaType)) {
      await Promise.all(
        (node.manifest as ImageIndex).manifests.map(async (child) => {
          const fetched = await src.manifests.fetch(child.digest);
          if (fetched.descriptor.size !== child.size) {
            throw new RegistryError(
              `index child ${child.digest} is ${fetched.descriptor.size} bytes, not ${child.size}`,
              {
                code: 'SIZE_MISMATCH',
              },
            );
          }
          await copyTree(fetched);
          await pushManifest(dst, fetched, undefined, report);
        }),
      );
      return;
    }
    const manifest = node.manifest as ImageManifest;
    const blobs = [manifest.config, ...(manifest.layers ?? [])].filter((d) => !isForeign(d));
    await Promise.all(blobs.map(copyBlob));
  };

  const selector = source.digest ?? source.tag ?? 'latest';
  const root = await src.manifests.fetch(selector);
  if (target.digest && target.digest !== root.descriptor.digest) {
    throw new RegistryError(
      `cannot copy ${formatReference(source)} to ${formatReference(target)}: the source is ${root.descriptor.digest}`,
      { code: 'DIGEST_MISMATCH' },
    );
  }
  options.logger?.info(
    `copying ${formatReference(source)} (${root.descriptor.digest}) to ${formatReference(target)}`,
  );
  await copyTree(root);
  await pushManifest(dst, root, target.tag, report);
  return root.descriptor;
}

async function pushManifest(
  dst: RemoteRepository,
  node: FetchedManifest,
  tag: string | undefined,
  report: (e: CopyProgress) => void,
): Promise<void> {
  if (!tag && (await dst.manifests.exists(node.descriptor.digest))) {
    return report({ kind: 'manifest', descriptor: node.descriptor, action: 'exists' });
  }
  const pushed = await dst.manifests.push(node.descriptor.mediaType, node.bytes, tag);
  report({ kind: 'manifest', descriptor: pushed, action: 'pushed' });
}

function isForeign(d: Descriptor): boolean {
  return (
    d.mediaType.includes('foreign') ||
    (d.urls !== undefined && d.urls.length > 0 && d.mediaType.includes('nondistributable'))
  );
}

/** A stream that opens its source on first read. */
export function lazyStream(open: () => Promise<Readable>): Readable {
  async function* read(): AsyncGenerator<Buffer> {
    const stream = await open();
    for await (const chunk of stream) yield chunk as Buffer;
  }
  return Readable.from(read(), { objectMode: false });
}
