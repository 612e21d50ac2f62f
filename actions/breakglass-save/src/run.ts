import { formatBytes, markdownTable, maskSecret, type ActionContext } from '@sovereign-ci/action-kit';
import { failedDestinationsError, saveArchive, type SaveArchiveResult } from '@sovereign-ci/archive';
import { dockerConfigClient, formatReference } from '@sovereign-ci/oci';
import { readInputs } from './inputs';

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env, ctx.runner.workspace || process.cwd());
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  ctx.logger.info(`saving ${formatReference(inputs.image)} to ${inputs.destinations.join(', ')}`);
  const result = await saveArchive({
    source: client.repositoryFor(inputs.image),
    image: inputs.image,
    platform: inputs.platform,
    destinations: inputs.destinations,
    name: inputs.name,
    keep: inputs.keep,
    compression: inputs.compression,
    verify: inputs.verify,
    logger: ctx.logger,
  });
  ctx.outputs.set('archives', result.archives);
  ctx.outputs.set('sha256', result.sha256);
  ctx.outputs.set('digest', result.digest);
  ctx.outputs.set('bytes', result.bytes);
  ctx.summary.write(summaryOf(formatReference(inputs.image), result));
  const failure = failedDestinationsError(result);
  if (failure) throw failure;
}

function summaryOf(image: string, result: SaveArchiveResult): string {
  const rows = result.destinations.map((d) => [
    d.destination,
    d.path ? `written (${d.removed.length} old removed)` : `FAILED: ${d.error ?? ''}`,
  ]);
  return [
    `### Break-glass archive of ${image}`,
    '',
    `\`${result.fileName}\` — ${formatBytes(result.bytes)}, sha256 \`${result.sha256}\`, image ${result.digest}`,
    '',
    markdownTable(['destination', 'result'], rows),
  ].join('\n');
}
