import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, type ActionContext } from '@sovereign-ci/action-kit';
import {
  evaluatePolicy,
  gateErrorFor,
  IgnoreFileError,
  readIgnoreFile,
  renderMarkdownSummary,
  renderSarif,
  verdictLine,
  type IgnoreRules,
} from '@sovereign-ci/trivy';
import { actionsCacheStore, actionsToolCache } from './adapters';
import { readInputs } from './inputs';
import { readGivenReport, scanFromHarbor, scanWithTrivy, type Dependencies, type Scan } from './sources';

const defaults: Dependencies = {
  toolCache: actionsToolCache,
  cacheStore: actionsCacheStore,
  now: () => new Date(),
};

async function readIgnore(file: string | undefined, now: Date): Promise<IgnoreRules | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readIgnoreFile(file, now);
  } catch (error) {
    if (error instanceof IgnoreFileError)
      throw new InputError('ignore-file', error.message, { cause: error });
    throw error;
  }
}

export async function run(ctx: ActionContext, deps: Dependencies = defaults): Promise<void> {
  const inputs = readInputs(ctx.env);
  const now = deps.now();
  const ignore = await readIgnore(inputs.ignoreFile, now);
  const workDir = await mkdtemp(path.join(ctx.runner.tempDir, 'trivy-gate-'));
  let scan: Scan;
  if (inputs.source === 'report') scan = await readGivenReport(inputs);
  else if (inputs.source === 'harbor') scan = await scanFromHarbor(ctx, inputs, workDir);
  else scan = await scanWithTrivy(ctx, inputs, deps, workDir);

  const verdict = evaluatePolicy(scan.report, {
    severities: inputs.severities,
    ignoreUnfixed: inputs.ignoreUnfixed,
    pkgTypes: inputs.pkgTypes,
    ...(ignore ? { ignore } : {}),
    maxFindings: inputs.maxFindings,
  });
  for (const rule of verdict.expiredRules) {
    ctx.logger.warning(
      `ignore entry ${rule.id} (${rule.source}) expired on ${rule.expiredAt?.toISOString().slice(0, 10)}`,
    );
  }
  ctx.outputs.set('passed', verdict.passed);
  ctx.outputs.set('counts', verdict.counts);
  ctx.outputs.set('blocking', verdict.blocking.length);
  ctx.outputs.set('report', scan.file);
  if (inputs.sarif !== undefined) {
    const sarifFile = inputs.sarif === true ? path.join(workDir, 'trivy-gate.sarif') : inputs.sarif;
    await writeFile(sarifFile, JSON.stringify(renderSarif(scan.report, verdict)));
    ctx.outputs.set('sarif', sarifFile);
  }
  ctx.summary.write(renderMarkdownSummary(scan.report, verdict, { artifact: scan.artifact }));
  if (verdict.passed) ctx.logger.info(`trivy-gate ${verdictLine(verdict, scan.artifact)}`);
  else if (inputs.fail) throw gateErrorFor(verdict, scan.artifact);
  else ctx.logger.warning(`trivy-gate ${verdictLine(verdict, scan.artifact)} (fail: false)`);
}
