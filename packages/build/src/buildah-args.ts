import { isLoopback } from '@sovereign-ci/oci';
import { registryOf, type BuildSpec } from './build-spec';

/** Buildah's global storage options. */
export interface BuildahStorage {
  /** `vfs` by default: works inside unprivileged containers without fuse-overlayfs. */
  driver: string;
  /** Storage root and run root (default: Buildah's own). */
  root?: string;
  runRoot?: string;
}

export function buildahGlobalArgs(storage: BuildahStorage): string[] {
  const args = [`--storage-driver=${storage.driver}`];
  if (storage.root) args.push(`--root=${storage.root}`);
  if (storage.runRoot) args.push(`--runroot=${storage.runRoot}`);
  return args;
}

export interface BuildahFiles {
  iidFile: string;
  /** A directory holding the CA as `ca.crt` (containers' cert-dir layout), when there is a CA. */
  certDir?: string;
}

/** `buildah bud …` with chroot isolation and OCI format; every destination is a `-t`. */
export function buildahBudArgs(spec: BuildSpec, storage: BuildahStorage, files: BuildahFiles): string[] {
  const args = [...buildahGlobalArgs(storage), 'bud', '--isolation=chroot', '--format=oci'];
  args.push(`--file=${spec.dockerfile}`, `--iidfile=${files.iidFile}`, `--authfile=${spec.dockerConfig}`);
  for (const destination of spec.destinations) args.push(`--tag=${destination}`);
  for (const [key, value] of Object.entries(spec.buildArgs)) args.push(`--build-arg=${key}=${value}`);
  for (const [key, value] of Object.entries(spec.labels)) args.push(`--label=${key}=${value}`);
  for (const [key, value] of Object.entries(spec.annotations)) args.push(`--annotation=${key}=${value}`);
  if (spec.target) args.push(`--target=${spec.target}`);
  if (spec.platform) args.push(`--platform=${spec.platform}`);
  if (spec.cache) {
    args.push('--layers');
    if (spec.cacheRepo) args.push(`--cache-from=${spec.cacheRepo}`, `--cache-to=${spec.cacheRepo}`);
    if (spec.cacheTtl) args.push(`--cache-ttl=${spec.cacheTtl}`);
  }
  if (spec.reproducible) args.push('--timestamp=0');
  if (files.certDir) args.push(`--cert-dir=${files.certDir}`);
  args.push(...spec.extraArgs, spec.context);
  return args;
}

/** `buildah push` of the built image to one destination, OCI format, digest written to `digestFile`. */
export function buildahPushArgs(
  spec: BuildSpec,
  storage: BuildahStorage,
  imageId: string,
  destination: string,
  digestFile: string,
  certDir?: string,
): string[] {
  const args = [...buildahGlobalArgs(storage), 'push', `--digestfile=${digestFile}`, '--format=oci'];
  args.push(`--authfile=${spec.dockerConfig}`);
  const registry = registryOf(destination);
  if (spec.insecureRegistries.includes(registry) || isLoopback(registry)) args.push('--tls-verify=false');
  else if (certDir) args.push(`--cert-dir=${certDir}`);
  args.push(imageId, `docker://${destination}`);
  return args;
}
