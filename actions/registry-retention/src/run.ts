import {
  GateError,
  markdownTable,
  textTable,
  type ActionContext,
  maskSecret,
} from '@sovereign-ci/action-kit';
import { dockerConfigClient, type RegistryClient } from '@sovereign-ci/oci';
import {
  applyRetention,
  forgejoRetentionProvider,
  ociRetentionProvider,
  type RetentionProvider,
  type RetentionResult,
} from '@sovereign-ci/registry-health';
import { forgejoPackagesApi } from './forgejo-packages';
import { readInputs, type RetentionInputs } from './inputs';

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env);
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  const provider = await providerFor(inputs, client, ctx);
  const result = await applyRetention(provider, inputs.policy, {
    dryRun: inputs.dryRun,
    concurrency: inputs.concurrency,
    logger: ctx.logger,
  });

  const row = (d: RetentionResult['deleted'][number]) => [
    d.package,
    d.version,
    d.created.toISOString(),
    d.reason,
  ];
  const verb = result.dryRun ? 'would delete' : 'deleted';
  ctx.logger.info(`${verb} ${result.deleted.length} versions, kept ${result.kept.length}`);
  if (result.deleted.length > 0)
    ctx.logger.info(textTable(['package', 'version', 'created', 'reason'], result.deleted.map(row)));
  ctx.outputs.setLarge('deleted', result.deleted);
  ctx.outputs.setLarge('kept', result.kept);
  ctx.outputs.setLarge('failed', result.failed);
  ctx.summary.write(
    `### Registry retention (${inputs.provider}${result.dryRun ? ', dry run' : ''})\n\n${verb} ${result.deleted.length}, kept ${result.kept.length}.\n\n` +
      (result.deleted.length
        ? markdownTable(['package', 'version', 'created', 'reason'], result.deleted.map(row))
        : ''),
  );
  if (result.failed.length > 0) {
    throw new GateError(
      `${result.failed.length} deletes failed:\n${textTable(
        ['package', 'version', 'error'],
        result.failed.map((f) => [f.package, f.version, f.error]),
      )}`,
    );
  }
}

async function providerFor(
  inputs: RetentionInputs,
  client: RegistryClient,
  ctx: ActionContext,
): Promise<RetentionProvider> {
  if (inputs.provider === 'forgejo') {
    const owner = inputs.owner as string;
    const api = forgejoPackagesApi(inputs.forgejoUrl as string, inputs.token);
    return forgejoRetentionProvider(api, owner, (name) =>
      client.repository(inputs.registry, `${owner}/${name}`),
    );
  }
  const names = inputs.repositories.length ? inputs.repositories : await client.catalog(inputs.registry);
  return ociRetentionProvider(
    names.map((name) => client.repository(inputs.registry, name)),
    { concurrency: inputs.concurrency, logger: ctx.logger },
  );
}
