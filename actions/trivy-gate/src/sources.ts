import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, maskSecret, type ActionContext } from '@sovereign-ci/action-kit';
import {
  dockerConfigClient,
  formatReference,
  maskedDockerConfigCredentials,
  type ImageReference,
} from '@sovereign-ci/oci';
import {
  dbCacheKey,
  HarborError,
  HarborScanSource,
  InstallError,
  installTrivy,
  readTrivyReport,
  restoreDbCache,
  runTrivyScan,
  saveDbCache,
  toTrivyJson,
  type CacheStore,
  type ScanReport,
  type ToolCache,
} from '@sovereign-ci/trivy';
import type { TrivyGateInputs } from './inputs';

export interface Dependencies {
  toolCache: ToolCache;
  cacheStore: CacheStore;
  now: () => Date;
}

export interface Scan {
  report: ScanReport;
  /** The Trivy JSON file (written here for Harbor). */
  file: string;
  /** What was scanned, for messages. */
  artifact: string;
}

/** The image by digest; a tag is resolved with the registry first. */
export async function resolveDigest(
  ctx: ActionContext,
  inputs: TrivyGateInputs,
  ref: ImageReference,
): Promise<ImageReference> {
  if (ref.digest) return { registry: ref.registry, repository: ref.repository, digest: ref.digest };
  const client = dockerConfigClient(ctx.env, { ...inputs, logger: ctx.logger, maskSecret });
  try {
    const descriptor = await client.repositoryFor(ref).manifests.resolve(ref.tag ?? 'latest');
    ctx.logger.info(`${formatReference(ref)} is ${descriptor.digest}`);
    return { registry: ref.registry, repository: ref.repository, digest: descriptor.digest };
  } finally {
    await client.close();
  }
}

const INSTALL_INPUT = { sha256: 'trivy-sha256', version: 'trivy-version', tarball: 'trivy-url' } as const;

/** Trivy from trivy-url through the tool cache; what it refuses is an error naming the input at fault. */
async function install(ctx: ActionContext, inputs: TrivyGateInputs, deps: Dependencies): Promise<string> {
  try {
    const installed = await installTrivy({
      url: inputs.trivyUrl!,
      sha256: inputs.trivySha256!,
      ...(inputs.trivyVersion ? { version: inputs.trivyVersion } : {}),
      toolCache: deps.toolCache,
      logger: ctx.logger,
    });
    return installed.path;
  } catch (error) {
    if (error instanceof InstallError)
      throw new InputError(INSTALL_INPUT[error.reason], error.message, { cause: error });
    throw error;
  }
}

export async function scanWithTrivy(
  ctx: ActionContext,
  inputs: TrivyGateInputs,
  deps: Dependencies,
  workDir: string,
): Promise<Scan> {
  const ref = await resolveDigest(ctx, inputs, inputs.image!.ref);
  const image = formatReference(ref);
  const trivyPath = inputs.trivyUrl ? await install(ctx, inputs, deps) : 'trivy';
  const cacheDir = inputs.cache ? path.join(ctx.runner.tempDir, 'trivy-cache') : undefined;
  const key = dbCacheKey(deps.now(), inputs.dbRepository, inputs.javaDbRepository);
  const restored = cacheDir ? await restoreDbCache(deps.cacheStore, cacheDir, key, ctx.logger) : undefined;
  const file = path.join(workDir, 'trivy-report.json');
  const env: Record<string, string | undefined> = { ...ctx.env };
  if (!inputs.dbRepository && !inputs.skipDbUpdate && !env.TRIVY_DB_REPOSITORY) {
    ctx.logger.warning(
      'no db-repository: Trivy will fetch its DB from its public default (set db-repository to an internal mirror, or skip-db-update)',
    );
  }
  if (inputs.caFile) env.SSL_CERT_FILE = inputs.caFile;
  await ctx.logger.group(`trivy image ${image}`, () =>
    runTrivyScan({
      trivyPath,
      image,
      outputFile: file,
      ...(inputs.dbRepository ? { dbRepository: inputs.dbRepository } : {}),
      ...(inputs.javaDbRepository ? { javaDbRepository: inputs.javaDbRepository } : {}),
      skipDbUpdate: inputs.skipDbUpdate,
      ...(cacheDir ? { cacheDir } : {}),
      insecure: inputs.insecureRegistries.includes(ref.registry),
      env,
      logger: ctx.logger,
    }),
  );
  if (cacheDir && restored && !restored.exactHit && !inputs.skipDbUpdate)
    await saveDbCache(deps.cacheStore, cacheDir, key, ctx.logger);
  return { report: await readTrivyReport(file), file, artifact: image };
}

export async function scanFromHarbor(
  ctx: ActionContext,
  inputs: TrivyGateInputs,
  workDir: string,
): Promise<Scan> {
  const ref = await resolveDigest(ctx, inputs, inputs.image!.ref);
  const harborUrl = inputs.harborUrl!;
  const credential = await maskedDockerConfigCredentials(ctx.env, maskSecret).get(new URL(harborUrl).host);
  const harbor = new HarborScanSource({
    url: harborUrl,
    ...(credential?.username !== undefined
      ? { username: credential.username, password: credential.password ?? '' }
      : {}),
    ...(inputs.caFile ? { caFile: inputs.caFile } : {}),
    waitMs: inputs.harborWaitMs,
    logger: ctx.logger,
  });
  let report: ScanReport;
  try {
    report = await harbor.scan(ref.repository, ref.digest!);
  } catch (error) {
    if (error instanceof HarborError && (error.status === 401 || error.status === 403)) {
      const who = credential?.username === undefined ? 'no credentials' : 'the credentials';
      throw new HarborError(
        `${error.message}: ${who} for ${new URL(harborUrl).host} in the docker config`,
        error.status,
      );
    }
    throw error;
  }
  const file = path.join(workDir, 'harbor-report.json');
  await writeFile(file, JSON.stringify(toTrivyJson(report), null, 2));
  return { report, file, artifact: formatReference(ref) };
}

export async function readGivenReport(inputs: TrivyGateInputs): Promise<Scan> {
  const file = inputs.report!;
  let report: ScanReport;
  try {
    report = await readTrivyReport(file);
  } catch (error) {
    throw new InputError('report', (error as Error).message, { cause: error });
  }
  return { report, file, artifact: inputs.image?.input ?? report.artifactName ?? file };
}
