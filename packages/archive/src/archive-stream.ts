import type { Readable } from 'node:stream';
import type { Descriptor } from '@sovereign-ci/oci';
import type { ArchivePlan } from './archive-layout';
import { END_OF_ARCHIVE, encodeHeader, padding } from './tar-entry';

export interface BlobReader {
  /** A stream of the blob that errors when its size or digest is wrong. */
  fetch(descriptor: Descriptor): Promise<Readable>;
}

/**
 * The archive's bytes, entry by entry. Layer bodies are passed through as they arrive from the registry,
 * so memory holds a chunk at a time whatever the image size; pulling from the generator is what reads
 * the network, so a slow consumer slows the download (backpressure).
 */
export async function* archiveChunks(
  plan: ArchivePlan,
  blobs: BlobReader,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  for (const entry of plan.entries) {
    if (entry.kind === 'directory') {
      yield encodeHeader({ path: entry.path, type: 'Directory', size: 0, mtime: plan.mtime });
      continue;
    }
    if (entry.kind === 'bytes') {
      yield encodeHeader({ path: entry.path, type: 'File', size: entry.bytes.length, mtime: plan.mtime });
      yield entry.bytes;
      yield padding(entry.bytes.length);
      continue;
    }
    const { descriptor } = entry;
    yield encodeHeader({ path: entry.path, type: 'File', size: descriptor.size, mtime: plan.mtime });
    const body = await blobs.fetch(descriptor);
    let received = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > descriptor.size) {
          throw new Error(`blob ${descriptor.digest} is longer than its ${descriptor.size} bytes`);
        }
        onBytes?.(chunk.length);
        yield chunk;
      }
    } finally {
      if (!body.destroyed) body.destroy();
    }
    if (received !== descriptor.size) {
      throw new Error(`blob ${descriptor.digest} ended after ${received} of ${descriptor.size} bytes`);
    }
    yield padding(descriptor.size);
  }
  yield END_OF_ARCHIVE;
}
