import path from 'node:path';
import {
  formatBytes,
  markdownTable,
  maskSecret,
  textTable,
  type ActionContext,
} from '@sovereign-ci/action-kit';
import {
  directorySource,
  fileDigestCache,
  HubClient,
  huggingFaceSource,
  mirrorModel,
  MirrorError,
  type FileDigestCache,
  type MirroredFile,
  type MirrorResult,
  type ModelSource,
} from '@sovereign-ci/model';
import { dockerConfigClient, formatReference } from '@sovereign-ci/oci';
import { readInputs } from './inputs';

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env, ctx.runner.workspace);
  // chunk-size goes with each blob push (mirrorModel's chunkSize), not on the client
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  const hub =
    inputs.source.kind === 'huggingface'
      ? new HubClient({
          endpoint: inputs.hfEndpoint,
          ...(inputs.hfToken ? { token: inputs.hfToken } : {}),
          logger: ctx.logger,
        })
      : undefined;
  const cacheFile =
    inputs.digestCache ??
    path.join(ctx.runner.toolCache ?? ctx.runner.tempDir, 'sovereign-ci', 'model-digests.json');
  const cache: FileDigestCache | undefined = cacheFile ? await fileDigestCache(cacheFile) : undefined;
  try {
    const source: ModelSource =
      inputs.source.kind === 'huggingface'
        ? await huggingFaceSource({
            repo: inputs.source.repo,
            ...(inputs.revision ? { revision: inputs.revision } : {}),
            client: hub as HubClient,
            logger: ctx.logger,
          })
        : await directorySource({
            dir: inputs.source.dir,
            logger: ctx.logger,
            ...(inputs.revision ? { revision: inputs.revision } : {}),
          });
    const repo = client.repositoryFor(inputs.destination);
    let result: MirrorResult;
    try {
      result = await mirrorModel(source, repo, {
        format: inputs.format,
        ...(inputs.artifactType ? { artifactType: inputs.artifactType } : {}),
        ...(inputs.destination.tag ? { tag: inputs.destination.tag } : {}),
        include: inputs.include,
        exclude: inputs.exclude,
        ...(inputs.shard ? { shard: inputs.shard } : {}),
        concurrency: inputs.concurrency,
        ...(inputs.chunkSize ? { chunkSize: inputs.chunkSize } : {}),
        ...(cache ? { cache } : {}),
        logger: ctx.logger,
      });
    } catch (error) {
      if (error instanceof MirrorError) report(ctx, source, error.result, undefined);
      throw error;
    }
    const reference = result.manifest
      ? `${inputs.destination.registry}/${inputs.destination.repository}@${result.manifest.digest}`
      : '';
    ctx.outputs.set('digest', result.manifest?.digest ?? '');
    ctx.outputs.set('reference', reference);
    ctx.outputs.set('files', result.files.length);
    ctx.outputs.set('bytes', result.bytes);
    ctx.outputs.set('uploaded-bytes', result.uploadedBytes);
    report(ctx, source, result, reference || undefined);
    if (!result.manifest) {
      ctx.logger.info(
        `shard ${inputs.shard?.index}/${inputs.shard?.count} done; a run without shard writes the manifest of ${formatReference(inputs.destination)}`,
      );
    }
  } finally {
    await cache
      ?.save()
      .catch((e: unknown) => ctx.logger.warning(`could not save the digest cache: ${(e as Error).message}`));
    await hub?.close();
    await client.close();
  }
}

const MAX_ROWS = 200;

function rows(files: MirroredFile[]): string[][] {
  return files
    .slice(0, MAX_ROWS)
    .map((f) => [f.path, formatBytes(f.size), f.status, f.digest ? f.digest.slice(0, 19) : (f.error ?? '')]);
}

function report(
  ctx: ActionContext,
  source: ModelSource,
  result: MirrorResult,
  reference: string | undefined,
): void {
  const headers = ['file', 'size', 'status', 'digest'];
  const counts = (s: MirroredFile['status']) => result.files.filter((f) => f.status === s).length;
  const line = `${result.files.length} files, ${formatBytes(result.bytes)}: ${counts('uploaded')} uploaded (${formatBytes(result.uploadedBytes)}), ${counts('exists')} already there, ${counts('failed')} failed`;
  const more = result.files.length > MAX_ROWS ? `\n… and ${result.files.length - MAX_ROWS} more files` : '';
  ctx.logger.info(`${textTable(headers, rows(result.files))}${more}\n${line}`);
  const origin = source.revision ? `${source.name}@${source.revision}` : source.name;
  ctx.summary.write(
    `### Model mirror: ${origin}\n\n${reference ? `Published \`${reference}\`.\n\n` : ''}${line}\n\n${markdownTable(headers, rows(result.files))}${more}\n`,
  );
}
