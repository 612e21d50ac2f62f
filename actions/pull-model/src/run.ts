import { formatBytes, markdownTable, maskSecret, type ActionContext } from '@sovereign-ci/action-kit';
import { pullModel } from '@sovereign-ci/model';
import { dockerConfigClient, formatReference } from '@sovereign-ci/oci';
import { readInputs } from './inputs';

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env, ctx.runner.workspace);
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  try {
    const { reference } = inputs;
    const result = await pullModel(client.repositoryFor(reference), {
      reference: reference.digest ?? reference.tag ?? 'latest',
      dir: inputs.path,
      concurrency: inputs.concurrency,
      logger: ctx.logger,
    });
    ctx.outputs.set('path', inputs.path);
    ctx.outputs.set('files', result.files.length);
    ctx.outputs.set('bytes', result.bytes);
    const present = result.files.filter((f) => f.status === 'present').length;
    const line = `${result.files.length} files, ${formatBytes(result.bytes)} from ${formatReference(reference)} (${result.manifest.digest}): ${result.files.length - present} downloaded (${formatBytes(result.downloadedBytes)}), ${present} already present`;
    ctx.logger.info(line);
    const rows = result.files
      .slice(0, 200)
      .map((f) => [f.path, formatBytes(f.size), f.status, f.digest.slice(0, 19)]);
    ctx.summary.write(
      `### Model pull\n\n${line}\n\n${markdownTable(['file', 'size', 'status', 'digest'], rows)}\n`,
    );
  } finally {
    await client.close();
  }
}
