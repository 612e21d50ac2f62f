import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';
import type { BuildResult, BuildSpec } from './build-spec';
import { runChecked, type CommandRunner } from './command-runner';
import { kanikoArgs, type KanikoPaths } from './kaniko-args';

/**
 * The maintained Kaniko fork. A tag, not a digest: no digest of it could be verified while this was
 * written, and a made-up one would be worse than none. Pin it (`executor: <mirror>/kaniko@sha256:…`),
 * ideally through your own Harbor mirror.
 */
export const DEFAULT_KANIKO_IMAGE = 'ghcr.io/osscontainertools/kaniko:v1.28.3';
/** Where Kaniko's own image keeps the executor (and where combined Kaniko+Node runner images have it). */
export const KANIKO_EXECUTOR_PATH = '/kaniko/executor';

export type KanikoMode = { kind: 'direct'; executor: string } | { kind: 'docker'; image: string };

export interface KanikoEnvironment {
  runner: CommandRunner;
  fileExists?: (file: string) => boolean;
  /** `docker` binary name or path. */
  docker?: string;
}

export const KANIKO_SETUP_HELP = [
  'Kaniko is not available. Either:',
  `  1. run the job in an image that has the executor at ${KANIKO_EXECUTOR_PATH} and node (e.g. built FROM the`,
  '     Kaniko image with node copied in), or point the `executor` input at the executor binary; or',
  '  2. give the job a Docker daemon (a docker:dind sidecar with DOCKER_HOST set), so the executor image',
  '     runs with `docker run`; the workspace must be at the same path for the daemon.',
  'Or set `builder: buildah`. The README shows a workflow for each set-up.',
].join('\n');

const isPath = (executor: string): boolean => executor.startsWith('/') || executor.startsWith('.');

/** direct when the executor binary exists; docker run when a daemon answers `docker info`; else an error. */
export async function detectKanikoMode(
  executor: string | undefined,
  env: KanikoEnvironment,
): Promise<KanikoMode> {
  const exists = env.fileExists ?? existsSync;
  if (executor && isPath(executor)) {
    if (!exists(executor)) throw new Error(`the Kaniko executor ${executor} does not exist`);
    return { kind: 'direct', executor: path.resolve(executor) };
  }
  if (exists(KANIKO_EXECUTOR_PATH)) return { kind: 'direct', executor: KANIKO_EXECUTOR_PATH };
  const info = await env.runner
    .run(env.docker ?? 'docker', ['info', '--format', '{{.ServerVersion}}'], { silent: true })
    .catch(() => undefined);
  if (info?.exitCode === 0) return { kind: 'docker', image: executor ?? DEFAULT_KANIKO_IMAGE };
  throw new Error(KANIKO_SETUP_HELP);
}

const MOUNT = { context: '/workspace', own: '/kaniko/sovereign' };

/** The `docker run` argument list: context read-only, docker config read-only, outputs writable. */
export function kanikoDockerArgs(
  spec: BuildSpec,
  image: string,
  outDir: string,
  baseRegistries: readonly string[] = [],
): string[] {
  const relative = path.relative(spec.context, spec.dockerfile);
  const insideContext = !relative.startsWith('..') && !path.isAbsolute(relative);
  const paths: KanikoPaths = {
    context: MOUNT.context,
    dockerfile: insideContext
      ? path.posix.join(MOUNT.context, ...relative.split(path.sep))
      : `${MOUNT.own}/Dockerfile`,
    digestFile: `${MOUNT.own}/out/digest`,
    imageNameDigestFile: `${MOUNT.own}/out/image-name-with-digest`,
  };
  const run = ['run', '--rm', '-e', 'container=docker'];
  run.push('-v', `${spec.context}:${MOUNT.context}:ro`);
  if (!insideContext) run.push('-v', `${spec.dockerfile}:${MOUNT.own}/Dockerfile:ro`);
  run.push('-v', `${spec.dockerConfig}:/kaniko/.docker/config.json:ro`);
  run.push('-v', `${outDir}:${MOUNT.own}/out`);
  if (spec.caFile) {
    paths.caFile = `${MOUNT.own}/ca.crt`;
    run.push('-v', `${spec.caFile}:${paths.caFile}:ro`);
  }
  return [...run, image, ...kanikoArgs(spec, paths, baseRegistries)];
}

export interface KanikoBuildOptions extends KanikoEnvironment {
  executor?: string;
  /** A directory for the digest files. */
  tempDir: string;
  logger: Logger;
  baseRegistries?: readonly string[];
}

/** Parses Kaniko's digest file; the image-name file (`dest@digest` lines) must agree with it. */
export function parseKanikoDigests(digestFile: string, imageNames: string): BuildResult {
  const digest = digestFile.trim();
  if (!/^sha256:[a-f0-9]{64}$/.test(digest))
    throw new Error(`Kaniko wrote no valid digest (got '${digest}')`);
  const pushed = imageNames
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of pushed) {
    if (!line.endsWith(`@${digest}`)) throw new Error(`Kaniko reported ${line}, not the digest ${digest}`);
  }
  return { digest, pushed };
}

export async function buildWithKaniko(spec: BuildSpec, options: KanikoBuildOptions): Promise<BuildResult> {
  const mode = await detectKanikoMode(options.executor, options);
  const outDir = await mkdtemp(path.join(options.tempDir, 'kaniko-'));
  try {
    if (mode.kind === 'direct') {
      options.logger.info(`Building with ${mode.executor}`);
      const paths: KanikoPaths = {
        context: spec.context,
        dockerfile: spec.dockerfile,
        digestFile: path.join(outDir, 'digest'),
        imageNameDigestFile: path.join(outDir, 'image-name-with-digest'),
      };
      if (spec.caFile) paths.caFile = spec.caFile;
      const args = kanikoArgs(spec, paths, options.baseRegistries);
      await runChecked(options.runner, mode.executor, args, {
        env: { DOCKER_CONFIG: path.dirname(spec.dockerConfig) },
      });
    } else {
      options.logger.info(`Building with docker run ${mode.image}`);
      await runChecked(
        options.runner,
        options.docker ?? 'docker',
        kanikoDockerArgs(spec, mode.image, outDir, options.baseRegistries),
      );
    }
    const digest = await readFile(path.join(outDir, 'digest'), 'utf8').catch(() => '');
    const names = await readFile(path.join(outDir, 'image-name-with-digest'), 'utf8').catch(() => '');
    return parseKanikoDigests(digest, names);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
