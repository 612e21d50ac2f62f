import { registryOf, type BuildSpec } from './build-spec';

/** Where Kaniko sees its files (host paths when it runs directly, mount points under `docker run`). */
export interface KanikoPaths {
  context: string;
  dockerfile: string;
  digestFile: string;
  imageNameDigestFile: string;
  caFile?: string;
}

/** go-containerregistry names Docker Hub `index.docker.io`; Kaniko's `--registry-map` keys must match that. */
export function kanikoRegistryKey(registry: string): string {
  return ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(registry)
    ? 'index.docker.io'
    : registry;
}

/** Registries Kaniko talks to that a private CA may be needed for: destinations, cache, mirrors, bases. */
export function kanikoTlsRegistries(spec: BuildSpec, baseRegistries: readonly string[] = []): string[] {
  const registries = [
    ...spec.destinations.map(registryOf),
    ...(spec.cacheRepo ? [registryOf(spec.cacheRepo)] : []),
    ...spec.registryMirrors.map((m) => registryOf(m.mirror)),
    ...baseRegistries,
  ];
  return [...new Set(registries)];
}

/** The executor's argument list (osscontainertools/kaniko flags), `--flag=value` so values keep spaces. */
export function kanikoArgs(
  spec: BuildSpec,
  paths: KanikoPaths,
  baseRegistries: readonly string[] = [],
): string[] {
  const args = [`--context=dir://${paths.context}`, `--dockerfile=${paths.dockerfile}`];
  for (const destination of spec.destinations) args.push(`--destination=${destination}`);
  if (!spec.push) args.push('--no-push');
  args.push(
    `--digest-file=${paths.digestFile}`,
    `--image-name-with-digest-file=${paths.imageNameDigestFile}`,
  );
  for (const [key, value] of Object.entries(spec.buildArgs)) args.push(`--build-arg=${key}=${value}`);
  for (const [key, value] of Object.entries(spec.labels)) args.push(`--label=${key}=${value}`);
  for (const [key, value] of Object.entries(spec.annotations)) args.push(`--annotation=${key}=${value}`);
  if (spec.target) args.push(`--target=${spec.target}`);
  if (spec.platform) args.push(`--custom-platform=${spec.platform}`);
  if (spec.cache) {
    args.push('--cache=true');
    if (spec.cacheRepo) args.push(`--cache-repo=${spec.cacheRepo}`);
    if (spec.cacheTtl) args.push(`--cache-ttl=${spec.cacheTtl}`);
  }
  if (spec.reproducible) args.push('--reproducible');
  for (const { registry, mirror } of spec.registryMirrors) {
    args.push(`--registry-map=${kanikoRegistryKey(registry)}=${mirror}`);
  }
  for (const registry of spec.insecureRegistries) args.push(`--insecure-registry=${registry}`);
  if (paths.caFile) {
    for (const registry of kanikoTlsRegistries(spec, baseRegistries)) {
      if (!spec.insecureRegistries.includes(registry))
        args.push(`--registry-certificate=${registry}=${paths.caFile}`);
    }
  }
  args.push(...spec.extraArgs);
  return args;
}
