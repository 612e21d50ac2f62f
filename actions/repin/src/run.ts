import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GateError, type ActionContext, maskSecret } from '@sovereign-ci/action-kit';
import { publishChanges } from '@sovereign-ci/forge';
import { dockerConfigClient } from '@sovereign-ci/oci';
import { changesTable, pullRequestBody, repin, skippedTable, unifiedDiff } from '@sovereign-ci/pin';
import { forgeTarget } from './forge-target';
import { readInputs } from './inputs';

/** Marks the commits repin makes, so a later run can tell them from anyone else's. */
export const REPIN_TRAILER = 'Repinned-by: sovereign-ci repin';
const GIT_AUTHOR = { name: 'sovereign-ci repin', email: 'repin@sovereign-ci.invalid' };

/** A JSON array with one element per line, so the output never has a line too long for the runner. */
const jsonLines = (items: readonly unknown[]): string =>
  items.length === 0 ? '[]' : `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]`;

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env);
  const { logger } = ctx;
  const root = path.resolve(ctx.runner.workspace, inputs.workingDirectory ?? '.');
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: logger, maskSecret });
  const result = await repin({
    root,
    paths: inputs.paths,
    mirrors: inputs.mirrors,
    rewriteToMirror: inputs.rewriteToMirror,
    client,
    concurrency: inputs.concurrency,
    logger,
  });
  const unresolved = result.skipped.filter((s) => s.reason === 'unresolved');
  ctx.outputs.setLarge('changes', jsonLines(result.changes));
  ctx.outputs.setLarge('skipped', jsonLines(result.skipped));
  ctx.outputs.setLarge('changed-files', jsonLines(result.files.map((f) => f.file)));
  ctx.outputs.set('pull-request-number', '');
  ctx.outputs.set('pull-request-url', '');
  if (result.skipped.length > 0)
    await logger.group('skipped references', async () => logger.info(skippedTable(result.skipped)));

  if (result.changes.length === 0) {
    logger.info(`nothing to re-pin in ${result.scannedFiles} files`);
  } else {
    ctx.summary.write(`## repin\n\n${changesTable(result.changes)}\n`);
    if (inputs.dryRun) {
      for (const f of result.files) logger.info(unifiedDiff(f.file, f.before, f.after));
      logger.info(
        `dry run: ${result.changes.length} reference(s) in ${result.files.length} file(s) would change`,
      );
    } else if (!inputs.pullRequest) {
      for (const f of result.files) await writeFile(path.join(root, f.file), f.after);
      logger.info(`rewrote ${result.files.length} file(s) in the workspace`);
    } else {
      const { client: forge, repo } = forgeTarget(inputs, ctx);
      const published = await publishChanges(forge, {
        repo,
        branch: inputs.branch,
        ...(inputs.base ? { base: inputs.base } : {}),
        files: result.files.map((f) => ({ path: f.file, content: Buffer.from(f.after, 'utf8') })),
        message: inputs.title,
        trailer: REPIN_TRAILER,
        title: inputs.title,
        body: pullRequestBody(result.changes, result.skipped),
        labels: inputs.labels,
        ...(inputs.gitPush ? { git: { cwd: root }, author: GIT_AUTHOR } : {}),
        logger,
      });
      if (published.pull) {
        ctx.outputs.set('pull-request-number', String(published.pull.number));
        ctx.outputs.set('pull-request-url', published.pull.url);
      }
    }
  }
  if (unresolved.length > 0 && !inputs.allowUnresolved) {
    throw new GateError(
      `${unresolved.length} image reference(s) could not be resolved (set allow-unresolved: true to accept):\n${skippedTable(unresolved)}`,
    );
  }
}
