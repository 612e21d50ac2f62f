/**
 * Runs one directory mirror in a process of its own (for tests that kill it mid-way): argv[2] is JSON
 * `{ dir, registry, repo, chunkMiB }`; prints `done <path>` as each file finishes.
 */
import { silentLogger } from '@sovereign-ci/action-kit';
import { directorySource, mirrorModel } from '@sovereign-ci/model';
import { RegistryClient } from '@sovereign-ci/oci';

const job = JSON.parse(process.argv[2] as string) as {
  dir: string;
  registry: string;
  repo: string;
  chunkMiB: number;
};
const client = new RegistryClient();
await mirrorModel(await directorySource({ dir: job.dir }), client.repository(job.registry, job.repo), {
  tag: 'v1',
  concurrency: 2,
  chunkSize: job.chunkMiB * 1024 * 1024,
  logger: silentLogger,
  onFile: (f) => process.stdout.write(`done ${f.path}\n`),
});
await client.close();
