/**
 * Registries named by `FROM` lines (for TLS settings). References with `$VARIABLES`, `scratch` and
 * earlier stage names are skipped; Docker Hub short names count as `docker.io`.
 */
export function baseImageRegistries(dockerfile: string): string[] {
  const stages = new Set<string>();
  const registries = new Set<string>();
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  for (const line of joined.split(/\r?\n/)) {
    const match = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!match) continue;
    const image = match[1] as string;
    if (match[2]) stages.add(match[2].toLowerCase());
    if (image.includes('$') || image === 'scratch' || stages.has(image.toLowerCase())) continue;
    const first = image.split('/')[0] as string;
    const named =
      image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
    registries.add(named ? first : 'docker.io');
  }
  return [...registries];
}
