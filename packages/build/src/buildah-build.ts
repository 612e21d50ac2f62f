import { isLoopback } from '@sovereign-ci/oci';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';
import { buildahBudArgs, buildahGlobalArgs, buildahPushArgs, type BuildahStorage } from './buildah-args';
import { type BuildResult, type BuildSpec } from './build-spec';
import { runChecked, type CommandRunner } from './command-runner';
import { registriesConf } from './registries-conf';

export interface BuildahBuildOptions {
  runner: CommandRunner;
  storage: BuildahStorage;
  /** A directory for this build's files (iidfile, digests, registries.conf, cert dir). */
  tempDir: string;
  logger: Logger;
  /** The `buildah` binary (default `buildah` on PATH). */
  buildah?: string;
  /** Registries of FROM images: loopback ones are pulled without TLS verification. */
  baseRegistries?: readonly string[];
}

/** `buildah bud` once, then `buildah push` of that image to every destination; returns the pushed digest. */
export async function buildWithBuildah(spec: BuildSpec, options: BuildahBuildOptions): Promise<BuildResult> {
  const buildah = options.buildah ?? 'buildah';
  const dir = await mkdtemp(path.join(options.tempDir, 'buildah-'));
  try {
    const env: Record<string, string> = {};
    const loopbackBases = (options.baseRegistries ?? []).filter(isLoopback);
    const conf = registriesConf(spec.registryMirrors, [
      ...new Set([...spec.insecureRegistries, ...loopbackBases]),
    ]);
    if (conf !== undefined) {
      env.CONTAINERS_REGISTRIES_CONF = path.join(dir, 'registries.conf');
      await writeFile(env.CONTAINERS_REGISTRIES_CONF, conf);
    }
    let certDir: string | undefined;
    if (spec.caFile) {
      certDir = path.join(dir, 'certs');
      await mkdir(certDir);
      await copyFile(spec.caFile, path.join(certDir, 'ca.crt'));
    }
    const iidFile = path.join(dir, 'iid');
    await options.logger.group('buildah bud', () =>
      runChecked(options.runner, buildah, buildahBudArgs(spec, options.storage, { iidFile, certDir }), {
        env,
      }),
    );
    const imageId = (await readFile(iidFile, 'utf8')).trim();
    if (!spec.push || spec.destinations.length === 0)
      return { digest: await localDigest(options, buildah, imageId, env), pushed: [] };

    const pushed: string[] = [];
    const digests = new Set<string>();
    for (const [index, destination] of spec.destinations.entries()) {
      const digestFile = path.join(dir, `digest-${index}`);
      await options.logger.group(`buildah push ${destination}`, () =>
        runChecked(
          options.runner,
          buildah,
          buildahPushArgs(spec, options.storage, imageId, destination, digestFile, certDir),
          { env },
        ),
      );
      const digest = (await readFile(digestFile, 'utf8')).trim();
      digests.add(digest);
      pushed.push(`${destination}@${digest}`);
    }
    const [digest] = digests;
    if (digests.size > 1) {
      options.logger.warning(
        `buildah pushed different digests (${[...digests].join(', ')}); verification will repair`,
      );
    }
    return { digest: digest as string, pushed };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** With nothing pushed, the digest of the local image's manifest. */
async function localDigest(
  options: BuildahBuildOptions,
  buildah: string,
  imageId: string,
  env: Record<string, string>,
): Promise<string> {
  const result = await runChecked(
    options.runner,
    buildah,
    [
      ...buildahGlobalArgs(options.storage),
      'inspect',
      '--type=image',
      '--format={{.FromImageDigest}}',
      imageId,
    ],
    { env, silent: true },
  );
  return result.stdout.trim();
}
