import { runFileWorker } from './file-worker';

/** Reads both files in lockstep, 1 MiB at a time into two reused buffers; posts the first differing offset. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const a = openSync(workerData.a, 'r');
const b = openSync(workerData.b, 'r');
try {
  const size = fstatSync(a).size;
  let differsAt = fstatSync(b).size === size ? -1 : 0;
  const bufA = Buffer.allocUnsafe(1 << 20);
  const bufB = Buffer.allocUnsafe(1 << 20);
  for (let position = 0; differsAt < 0 && position < size; ) {
    const n = readSync(a, bufA, 0, bufA.length, position);
    const m = readSync(b, bufB, 0, n, position);
    if (n === 0 || m !== n || !bufA.subarray(0, n).equals(bufB.subarray(0, n))) differsAt = position;
    position += n;
  }
  parentPort.postMessage({ differsAt });
} finally {
  closeSync(a);
  closeSync(b);
}
`;

/**
 * Checks that `copy` holds exactly the bytes of `verified`, a copy already read back and checked: a
 * memory comparison instead of a second sha256 pass over every further copy.
 */
export async function assertSameContents(verified: string, copy: string): Promise<void> {
  const { differsAt } = await runFileWorker<{ differsAt: number }>(
    WORKER_SOURCE,
    { a: verified, b: copy },
    `comparison of ${copy}`,
  );
  if (differsAt >= 0) throw new Error(`read back differs from the verified copy from byte ${differsAt}`);
}
