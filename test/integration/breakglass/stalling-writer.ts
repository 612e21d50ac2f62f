/**
 * A writer that stalls mid-archive, to be killed by the test: saves `image` into `destination` but hangs
 * forever after the first 256 KiB of layer data, printing `stalled` once that much has been passed on.
 * Usage: tsx stalling-writer.ts <registry> <repository> <tag> <destination>
 */
import { Readable } from 'node:stream';
import { silentLogger } from '@sovereign-ci/action-kit';
import { saveArchive } from '@sovereign-ci/archive';
import { RegistryClient, type Descriptor } from '@sovereign-ci/oci';

const [registry, repository, tag, destination] = process.argv.slice(2) as [string, string, string, string];
const repo = new RegistryClient({}).repository(registry, repository);
let passed = 0;

function stalling(inner: Readable): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of inner as AsyncIterable<Buffer>) {
        yield chunk;
        passed += chunk.length;
        if (passed >= 256 * 1024) {
          // Keep the process alive while stalled: only the test's SIGKILL ends it.
          setInterval(() => undefined, 60_000);
          setTimeout(() => process.stdout.write('stalled\n'), 500);
          await new Promise(() => undefined);
        }
      }
    })(),
  );
}

await saveArchive({
  source: {
    manifests: repo.manifests,
    blobs: {
      fetchBytes: (d, max) => repo.blobs.fetchBytes(d, max),
      fetch: async (d: Descriptor) => stalling(await repo.blobs.fetch(d)),
    },
  },
  image: { registry, repository, tag },
  platform: 'linux/amd64',
  destinations: [destination],
  name: 'runner',
  keep: 5,
  compression: 'none',
  verify: true,
  logger: silentLogger,
});
