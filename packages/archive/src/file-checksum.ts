import { runFileWorker } from './file-worker';

/**
 * The body of the worker: Node built-ins only (so it runs the same from sources and from a bundle), one
 * reused 1 MiB buffer (no garbage, whatever the file size), synchronous reads (the thread has nothing
 * else to do).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const fd = openSync(workerData.file, 'r');
try {
  const buffer = Buffer.allocUnsafe(1 << 20);
  const hash = createHash('sha256');
  let position = 0;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) break;
    hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    position += n;
  }
  parentPort.postMessage({ sha256: hash.digest('hex'), bytes: position });
} finally {
  closeSync(fd);
}
`;

export interface FileChecksum {
  sha256: string;
  bytes: number;
}

/**
 * sha256 of a file, computed in a worker thread: reading back several copies (or a copy whose blobs are
 * being hashed on the main thread) then uses every core instead of queueing on one.
 */
export function checksumFile(file: string): Promise<FileChecksum> {
  return runFileWorker<FileChecksum>(WORKER_SOURCE, { file }, `checksum of ${file}`);
}
