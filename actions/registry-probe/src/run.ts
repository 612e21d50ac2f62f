import { rename, writeFile } from 'node:fs/promises';
import {
  GateError,
  markdownTable,
  textTable,
  type ActionContext,
  maskSecret,
} from '@sovereign-ci/action-kit';
import { dockerConfigClient } from '@sovereign-ci/oci';
import { probeRegistry, renderPrometheus, type ProbeReport } from '@sovereign-ci/registry-health';
import { forgejoContainerRepositories } from './forgejo-repositories';
import { readInputs } from './inputs';

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env);
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  // undefined walks the catalog; an owner without container packages walks nothing
  const repositories = inputs.repositories.length
    ? inputs.repositories
    : inputs.forgejoOwner
      ? await forgejoContainerRepositories(inputs.forgejoUrl as string, inputs.forgejoOwner, inputs.token)
      : undefined;

  const report = await probeRegistry(client, {
    registry: inputs.registry,
    ...(repositories ? { repositories } : {}),
    blobs: inputs.blobs,
    concurrency: inputs.concurrency,
    logger: ctx.logger,
  });

  if (inputs.prometheusFile) {
    const temp = `${inputs.prometheusFile}.${process.pid}.tmp`;
    await writeFile(temp, renderPrometheus(report, inputs.instance, Math.floor(Date.now() / 1000)));
    await rename(temp, inputs.prometheusFile);
  }
  ctx.outputs.setLarge('broken', report.broken);
  ctx.outputs.set('checked', report.checked);
  ctx.summary.write(summaryOf(report));

  const { checked } = report;
  ctx.logger.info(
    `checked ${checked.repositories} repositories, ${checked.tags} tags, ${checked.manifests} manifests, ${checked.blobs} blobs: ${report.broken.length} broken`,
  );
  if (report.broken.length > 0 && inputs.failOnBroken) {
    throw new GateError(
      `${report.broken.length} broken references in ${report.registry}:\n${textTable(...brokenTable(report))}`,
    );
  }
}

function brokenTable(report: ProbeReport): [string[], string[][]] {
  return [
    ['repository', 'tag', 'kind', 'digest', 'detail'],
    report.broken.map((b) => [b.repository, b.tag, b.kind, b.digest ?? '', b.detail]),
  ];
}

function summaryOf(report: ProbeReport): string {
  const { checked } = report;
  const head = `### Registry probe: ${report.registry}\n\n${checked.repositories} repositories, ${checked.tags} tags, ${checked.manifests} manifests, ${checked.blobs} blobs checked.\n`;
  return report.broken.length === 0
    ? `${head}\nNothing broken.`
    : `${head}\n${markdownTable(...brokenTable(report))}`;
}
