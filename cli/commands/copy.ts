import { copyImage, dockerConfigClient, parseReference } from '@sovereign-ci/oci';
import type { Command } from '../command';
import { consoleLogger } from '../console-logger';
import { UsageError } from '../errors';
import { parseOptions } from '../parse-options';

export const copyCommand: Command = {
  summary: 'copy an image or index with all its blobs from one registry to another',
  usage: [
    'sovereign-ci copy SRC DST [--concurrency N] [--ca-file FILE] [--insecure-registry HOST]…',
    '',
    '  SRC, DST             image references (registry/repo:tag or @sha256:…)',
    '  --concurrency        blob transfers at once (default 4)',
    '  --ca-file            PEM file of a private CA to trust',
    '  --insecure-registry  a registry reached over plain HTTP (loopback always is)',
    '',
    'Credentials come from the docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json).',
    'Prints the copied root descriptor as JSON on the last line of stdout.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      concurrency: { type: 'string' },
      'ca-file': { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
    });
    const [src, dst, ...rest] = positionals;
    if (src === undefined || dst === undefined || rest.length > 0)
      throw new UsageError('copy needs SRC and DST');
    const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError(`--concurrency expects an integer from 1 to 64, got ${values.concurrency}`);
    }
    const source = parseReference(src);
    const target = parseReference(dst);
    const logger = consoleLogger(io.err, io.env.RUNNER_DEBUG === '1');
    const client = dockerConfigClient(io.env, {
      logger,
      caFile: values['ca-file'],
      insecureRegistries: values['insecure-registry'],
    });
    const root = await copyImage(client, source, target, {
      concurrency,
      logger,
      onProgress: (event) => logger.info(`${event.kind} ${event.descriptor.digest} ${event.action}`),
    });
    io.out(`${JSON.stringify({ digest: root.digest, mediaType: root.mediaType, size: root.size })}\n`);
    return 0;
  },
};
