import { normalizeRegistry, type ImageReference } from '@sovereign-ci/oci';

/** `docker.io=harbor.lab/docker-hub`: references to `from` are resolved (and optionally rewritten) at `to/prefix`. */
export interface Mirror {
  from: string;
  registry: string;
  prefix: string;
}

/** Parses `registry=host[/prefix]` entries (a map as read by readMap). */
export function parseMirrors(entries: Record<string, string>): Mirror[] {
  return Object.entries(entries).map(([from, to]) => {
    const target = to.trim().replace(/\/+$/, '');
    const slash = target.indexOf('/');
    const registry = slash < 0 ? target : target.slice(0, slash);
    const prefix = slash < 0 ? '' : target.slice(slash + 1);
    if (!from.trim() || !registry)
      throw new Error(`invalid mirror '${from}=${to}': expected registry=host[/prefix]`);
    return { from: normalizeRegistry(from.trim()), registry, prefix };
  });
}

/** The reference at its mirror, or the reference itself when no mirror covers its registry. */
export function applyMirror(ref: ImageReference, mirrors: readonly Mirror[]): ImageReference {
  const mirror = mirrors.find((m) => m.from === ref.registry);
  if (!mirror) return ref;
  const out: ImageReference = {
    registry: mirror.registry,
    repository: mirror.prefix ? `${mirror.prefix}/${ref.repository}` : ref.repository,
  };
  if (ref.tag !== undefined) out.tag = ref.tag;
  if (ref.digest !== undefined) out.digest = ref.digest;
  return out;
}
