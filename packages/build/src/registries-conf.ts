import { isLoopback } from '@sovereign-ci/oci';
import { registryOf, type RegistryMirror } from './build-spec';

const quote = (value: string): string => JSON.stringify(value);

/**
 * A containers-registries.conf(5) (v2) for Buildah: each mirror as `[[registry.mirror]]` of its registry
 * (`docker.io=harbor.lab/docker-hub` pulls `docker.io/library/x` as `harbor.lab/docker-hub/library/x`,
 * falling back to the original), every insecure registry with `insecure = true`. Short names resolve to
 * docker.io, as with Docker. Undefined when there is nothing to configure (the system file then applies).
 */
export function registriesConf(
  mirrors: readonly RegistryMirror[],
  insecureRegistries: readonly string[],
): string | undefined {
  if (mirrors.length === 0 && insecureRegistries.length === 0) return undefined;
  const insecure = (host: string): boolean => insecureRegistries.includes(host) || isLoopback(host);
  const lines = ['unqualified-search-registries = ["docker.io"]', 'short-name-mode = "permissive"', ''];
  const byRegistry = new Map<string, string[]>();
  for (const { registry, mirror } of mirrors) {
    const prefix =
      registry === 'index.docker.io' || registry === 'registry-1.docker.io' ? 'docker.io' : registry;
    byRegistry.set(prefix, [...(byRegistry.get(prefix) ?? []), mirror]);
  }
  for (const [prefix, locations] of byRegistry) {
    lines.push('[[registry]]', `prefix = ${quote(prefix)}`, `location = ${quote(prefix)}`);
    if (insecure(prefix)) lines.push('insecure = true');
    for (const location of locations) {
      lines.push('', '[[registry.mirror]]', `location = ${quote(location)}`);
      if (insecure(registryOf(location))) lines.push('insecure = true');
    }
    lines.push('');
  }
  for (const host of insecureRegistries) {
    if (byRegistry.has(host)) continue;
    lines.push('[[registry]]', `location = ${quote(host)}`, 'insecure = true', '');
  }
  return lines.join('\n');
}
