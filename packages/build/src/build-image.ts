import { isLoopback } from '@sovereign-ci/oci';
import type { Logger } from '@sovereign-ci/action-kit';
import { buildWithBuildah } from './buildah-build';
import type { BuildahStorage } from './buildah-args';
import { type BuildResult, type BuildSpec } from './build-spec';
import type { CommandRunner } from './command-runner';
import { buildWithKaniko } from './kaniko-build';

export type Builder = 'kaniko' | 'buildah';

export interface BuildImageOptions {
  builder: Builder;
  runner: CommandRunner;
  logger: Logger;
  tempDir: string;
  /** Kaniko: executor path or image. */
  executor?: string;
  /** Buildah: storage options. */
  storage?: BuildahStorage;
  /** Registries of FROM images (Kaniko: `--registry-certificate`; Buildah: loopback ones skip TLS). */
  baseRegistries?: readonly string[];
  fileExists?: (file: string) => boolean;
}

/** Builds once with the chosen builder and pushes to every destination. */
export function buildImage(spec: BuildSpec, options: BuildImageOptions): Promise<BuildResult> {
  if (options.builder === 'buildah') {
    return buildWithBuildah(spec, {
      runner: options.runner,
      storage: options.storage ?? { driver: 'vfs' },
      tempDir: options.tempDir,
      logger: options.logger,
      ...(options.baseRegistries ? { baseRegistries: options.baseRegistries } : {}),
    });
  }
  return buildWithKaniko(spec, {
    runner: options.runner,
    executor: options.executor,
    tempDir: options.tempDir,
    logger: options.logger,
    ...(options.baseRegistries ? { baseRegistries: options.baseRegistries } : {}),
    ...(options.fileExists ? { fileExists: options.fileExists } : {}),
  });
}

/**
 * Registries among `registries` that have no credentials in the docker config. Loopback registries and
 * registries listed as insecure are exempt: those are where anonymous pushes are normal (local and lab
 * registries); if they do want credentials, the push itself fails with the registry's answer.
 */
export async function registriesWithoutCredentials(
  registries: readonly string[],
  credentials: { get(registry: string): Promise<unknown> },
  insecureRegistries: readonly string[],
): Promise<string[]> {
  const missing: string[] = [];
  for (const registry of new Set(registries)) {
    if (isLoopback(registry) || insecureRegistries.includes(registry)) continue;
    if ((await credentials.get(registry)) === undefined) missing.push(registry);
  }
  return missing;
}
