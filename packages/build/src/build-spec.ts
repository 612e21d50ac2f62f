/** What to build and where to push it; builder-neutral. Paths are absolute. */
export interface BuildSpec {
  /** Build context directory. */
  context: string;
  /** Dockerfile path. */
  dockerfile: string;
  /** Every `registry/repository:tag` to push. */
  destinations: string[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  target?: string;
  /** One platform, `os/arch[/variant]`. */
  platform?: string;
  push: boolean;
  cache: boolean;
  /** Repository for cached layers (Kaniko `--cache-repo`, Buildah `--cache-from/--cache-to`). */
  cacheRepo?: string;
  /** Kaniko/Go duration (`6h`, `336h`). */
  cacheTtl?: string;
  reproducible: boolean;
  /** Pull-through mirrors for base images: `docker.io` -> `harbor.lab/docker-hub`. */
  registryMirrors: RegistryMirror[];
  /** Registries reached over plain HTTP / without TLS verification (explicit list). */
  insecureRegistries: string[];
  /** A private CA (PEM) to trust for every registry. */
  caFile?: string;
  /** The docker config.json with credentials for every registry (what `login` wrote). */
  dockerConfig: string;
  /** Passed through to the builder as is. */
  extraArgs: string[];
}

export interface RegistryMirror {
  /** The registry as written in image references (`docker.io`, `ghcr.io`). */
  registry: string;
  /** Where to pull from instead: a host with an optional path prefix (`harbor.lab/docker-hub`). */
  mirror: string;
}

/** What a build produced. */
export interface BuildResult {
  /** The image's manifest digest (`sha256:…`). */
  digest: string;
  /** `repo:tag@digest` lines the builder reported, when it did. */
  pushed: string[];
}

/** `registry=mirror` lines, e.g. `docker.io=harbor.lab/docker-hub`. */
export function parseRegistryMirror(line: string): RegistryMirror | undefined {
  const equals = line.indexOf('=');
  if (equals <= 0) return undefined;
  const registry = line.slice(0, equals).trim();
  const mirror = line
    .slice(equals + 1)
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  if (registry === '' || mirror === '' || /\s/.test(registry + mirror)) return undefined;
  return { registry, mirror };
}

/** The registry host of `registry/repository[:tag]` (callers pass fully qualified references). */
export function registryOf(reference: string): string {
  return reference.split('/')[0] ?? reference;
}
