import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  InputError,
  markdownTable,
  maskSecret,
  type ActionContext,
  type ActionStep,
} from '@sovereign-ci/action-kit';
import {
  baseImageRegistries,
  buildImage,
  computeImageMetadata,
  metadataContext,
  nodeCommandRunner,
  readEventPayload,
  registriesWithoutCredentials,
  registryClientStore,
  registryOf,
  TagRuleError,
  TemplateError,
  verifyPushed,
  type BuildSpec,
  type CommandRunner,
  type ImageMetadata,
  type PushedImageStore,
  type VerifyRow,
} from '@sovereign-ci/build';
import {
  dockerConfigPath,
  maskedDockerConfigCredentials,
  RegistryClient,
  type CredentialProvider,
} from '@sovereign-ci/oci';
import { readInputs, type BuildPushInputs } from './inputs';

/** What run() talks to; tests replace the command runner (and may replace the store). */
export interface BuildPushDeps {
  runner?: (ctx: ActionContext) => CommandRunner;
  store?: (ctx: ActionContext, credentials: CredentialProvider, inputs: BuildPushInputs) => PushedImageStore;
  fileExists?: (file: string) => boolean;
  /** Buildah storage root (tests); default Buildah's own. */
  buildahRoot?: string;
  now?: Date;
}

function computeMetadata(
  ctx: ActionContext,
  inputs: BuildPushInputs,
  payload: Awaited<ReturnType<typeof readEventPayload>>,
  now?: Date,
): ImageMetadata {
  const context = metadataContext(ctx.runner, payload, { defaultBranch: inputs.defaultBranch, now });
  try {
    return computeImageMetadata(context, {
      images: inputs.images,
      tags: inputs.tags,
      flavor: inputs.flavor,
      labels: inputs.labels,
      annotations: inputs.annotations,
      logger: ctx.logger,
    });
  } catch (error) {
    if (error instanceof TagRuleError) throw new InputError('tags', error.message, { cause: error });
    if (error instanceof TemplateError)
      throw new InputError(error.field ?? 'labels', error.message, { cause: error });
    throw error;
  }
}

/** Every registry pushed to (images, cache-repo) needs credentials; the error names the input. */
async function checkCredentials(
  inputs: BuildPushInputs,
  credentials: CredentialProvider,
  configPath: string,
): Promise<void> {
  const checks: [string, string[]][] = [
    ['images', inputs.images.map(registryOf)],
    ['cache-repo', inputs.cacheRepo ? [registryOf(inputs.cacheRepo)] : []],
  ];
  for (const [input, registries] of checks) {
    const missing = await registriesWithoutCredentials(registries, credentials, inputs.insecureRegistries);
    if (missing.length > 0) {
      throw new InputError(
        input,
        `no credentials for ${missing.join(', ')} in ${configPath}: run the login action for each registry first`,
      );
    }
  }
}

function summaryTable(rows: readonly VerifyRow[]): string {
  return markdownTable(
    ['registry', 'tag', 'digest', 'result'],
    rows.map((row) => [row.image, row.tag, row.foundAfterRepair ?? row.found, row.status]),
  );
}

export function createRun(deps: BuildPushDeps = {}): ActionStep {
  return async (ctx) => {
    const inputs = readInputs(ctx.env, ctx.runner.workspace);
    const payload = await readEventPayload(ctx.runner.eventPath);
    const metadata = computeMetadata(ctx, inputs, payload, deps.now);
    if (inputs.push && metadata.tagNames.length === 0) {
      throw new InputError(
        'tags',
        `no tag rule applies to this ${ctx.runner.eventName ?? ''} event (${ctx.runner.ref ?? 'no ref'}); nothing to push`,
      );
    }
    ctx.logger.info(`Tags: ${metadata.tagNames.join(', ') || '(none)'}`);

    const configPath = dockerConfigPath(ctx.env);
    const credentials = maskedDockerConfigCredentials(ctx.env, maskSecret);
    if (inputs.push) await checkCredentials(inputs, credentials, configPath);

    const work = await mkdtemp(path.join(ctx.runner.tempDir, 'build-push-'));
    try {
      let dockerConfig = configPath;
      if (!existsSync(configPath)) {
        dockerConfig = path.join(work, 'config.json');
        await writeFile(dockerConfig, '{"auths":{}}\n', { mode: 0o600 });
      }
      const spec: BuildSpec = {
        context: inputs.context,
        dockerfile: inputs.file,
        destinations: inputs.push ? metadata.tags : [],
        buildArgs: inputs.buildArgs,
        labels: metadata.labels,
        annotations: metadata.annotations,
        push: inputs.push,
        cache: inputs.cache,
        reproducible: inputs.reproducible,
        registryMirrors: inputs.registryMirrors,
        insecureRegistries: inputs.insecureRegistries,
        dockerConfig,
        extraArgs: inputs.extraArgs,
        ...(inputs.target ? { target: inputs.target } : {}),
        ...(inputs.platform ? { platform: inputs.platform } : {}),
        ...(inputs.cacheRepo ? { cacheRepo: inputs.cacheRepo } : {}),
        ...(inputs.cacheTtl ? { cacheTtl: inputs.cacheTtl } : {}),
        ...(inputs.caFile ? { caFile: inputs.caFile } : {}),
      };
      const runner = deps.runner ? deps.runner(ctx) : nodeCommandRunner(ctx.logger, ctx.env);
      const result = await buildImage(spec, {
        builder: inputs.builder,
        runner,
        logger: ctx.logger,
        tempDir: work,
        executor: inputs.executor,
        storage: {
          driver: inputs.storageDriver,
          ...(deps.buildahRoot
            ? { root: path.join(deps.buildahRoot, 'root'), runRoot: path.join(deps.buildahRoot, 'run') }
            : {}),
        },
        baseRegistries: baseImageRegistries(await readFile(inputs.file, 'utf8')),
        ...(deps.fileExists ? { fileExists: deps.fileExists } : {}),
      });
      ctx.logger.info(`Built ${result.digest}`);

      let rows: VerifyRow[] = [];
      if (inputs.push) {
        const store = deps.store
          ? deps.store(ctx, credentials, inputs)
          : registryClientStore(
              new RegistryClient({
                credentials,
                insecureRegistries: inputs.insecureRegistries,
                logger: ctx.logger,
                ...(inputs.caFile ? { caFile: inputs.caFile } : {}),
              }),
              ctx.logger,
            );
        rows = await verifyPushed({
          images: inputs.images,
          tags: metadata.tagNames,
          digest: result.digest,
          store,
          logger: ctx.logger,
        });
        ctx.summary.write(`### build-push\n\n${summaryTable(rows)}\n`);
      }

      const imageRefs = inputs.push ? inputs.images.map((image) => `${image}@${result.digest}`) : [];
      ctx.outputs.set('digest', result.digest);
      ctx.outputs.set('image-refs', imageRefs.join('\n'));
      // One reference for steps that take a single image (trivy-gate, breakglass-save): the first registry's.
      ctx.outputs.set('image-ref', imageRefs[0] ?? '');
      ctx.outputs.set('tags', metadata.tags.join('\n'));
      ctx.outputs.set('labels', metadata.labels);
      ctx.outputs.setLarge('metadata', {
        digest: result.digest,
        builder: inputs.builder,
        pushed: inputs.push,
        images: inputs.images,
        'image-ref': imageRefs[0] ?? '',
        'image-refs': imageRefs,
        tags: metadata.tags,
        'tag-names': metadata.tagNames,
        version: metadata.version.main ?? '',
        labels: metadata.labels,
        annotations: metadata.annotations,
        verification: rows.map(({ image, tag, status, found }) => ({ image, tag, status, found })),
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };
}

export const run: ActionStep = createRun();
