import { Worker } from 'node:worker_threads';

/**
 * Runs `source` (CommonJS, Node built-ins only, so it works the same from sources and from a bundle) in a
 * worker thread and resolves with the one message it posts. Whole-file passes then use every core.
 */
export function runFileWorker<T>(source: string, workerData: unknown, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData });
    let result: { value: T } | undefined;
    worker.once('message', (message: T) => (result = { value: message }));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result.value);
      else reject(new Error(`${what} failed (worker exited with ${code})`));
    });
  });
}
