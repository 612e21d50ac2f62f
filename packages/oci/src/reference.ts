/** A parsed image reference. `registry` is as written (`docker.io`, `harbor.lab:8443`), never an endpoint. */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export class InvalidReferenceError extends Error {
  readonly code = 'INVALID_REFERENCE';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid image reference '${input}': ${reason}`);
    this.name = 'InvalidReferenceError';
  }
}

export const DOCKER_HUB = 'docker.io';
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const SHA512 = /^sha512:[a-f0-9]{128}$/;
const HOST =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:.]+\])(?::[0-9]+)?$/;

/** Whether the first path component of a name is a registry host (docker's rule). */
export function namesRegistry(firstPathComponent: string): boolean {
  return (
    firstPathComponent.includes('.') || firstPathComponent.includes(':') || firstPathComponent === 'localhost'
  );
}

/** The host to talk to for a registry as written in references. */
export function registryEndpoint(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/** Normalises docker.io aliases to `docker.io`. */
export function normalizeRegistry(registry: string): string {
  const lower = registry.toLowerCase();
  if (lower === 'index.docker.io' || lower === 'registry-1.docker.io' || lower === 'docker.io')
    return DOCKER_HUB;
  return registry;
}

/** Validates a digest string: `sha256:<64 lowercase hex>` (other algorithms by the OCI grammar). */
export function isValidDigest(digest: string): boolean {
  if (!DIGEST.test(digest)) return false;
  if (digest.startsWith('sha256:')) return SHA256.test(digest);
  if (digest.startsWith('sha512:')) return SHA512.test(digest);
  return true;
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Parses a docker/OCI image reference: `[registry/]repo[:tag][@digest]`, docker.io and `library/` implied. */
export function parseReference(input: string): ImageReference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(input, reason);
  };
  if (typeof input !== 'string' || input.trim() === '') fail('it is empty');
  if (input !== input.trim() || /\s/.test(input)) fail('it contains whitespace');
  if (/^[a-z]+:\/\//i.test(input)) fail('a reference has no URL scheme; write host/repository[:tag]');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isValidDigest(digest))
      fail(`'${digest}' is not a valid digest (expected sha256:<64 lowercase hex>)`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) fail(`'${tag}' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
  }
  if (rest === '') fail('the repository name is missing');

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && namesRegistry(first)) {
    if (!HOST.test(first)) fail(`'${first}' is not a valid registry host`);
    registry = normalizeRegistry(first);
    parts.shift();
  }
  if (parts.length === 0) fail('the repository name is missing');
  for (const part of parts) {
    if (part === '') fail('the repository name has an empty path component');
    if (!PATH_COMPONENT.test(part)) {
      fail(
        /[A-Z]/.test(part)
          ? `repository name component '${part}' must be lowercase`
          : `repository name component '${part}' is invalid`,
      );
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > 255) fail('the repository name is longer than 255 characters');

  const ref: ImageReference = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `registry/repository[:tag][@digest]`, fully qualified. */
export function formatReference(ref: ImageReference): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag) out += `:${ref.tag}`;
  if (ref.digest) out += `@${ref.digest}`;
  return out;
}

/** The tag or digest to ask the registry for (digest wins); undefined when the reference has neither. */
export function referenceSelector(ref: ImageReference): string | undefined {
  return ref.digest ?? ref.tag;
}
