import type { Descriptor, ImageManifest, Platform } from '@sovereign-ci/oci';

/** The parts of an image config the archive needs. */
export interface ImageConfigSummary {
  created?: string;
  os?: string;
  architecture?: string;
  variant?: string;
  rootfs?: { type?: string; diff_ids?: string[] };
}

/** An image as read from the registry: exact manifest and config bytes, layers still to be streamed. */
export interface ResolvedImage {
  /** Where it came from, for the names recorded in the archive. */
  name: { registry: string; repository: string; tag?: string };
  manifest: { descriptor: Descriptor; bytes: Buffer; parsed: ImageManifest };
  config: { descriptor: Descriptor; bytes: Buffer; parsed: ImageConfigSummary };
  /** Digest of the index the manifest was selected from, when the reference named an index. */
  indexDigest?: string;
}

export type PlanEntry =
  | { kind: 'directory'; path: string }
  | { kind: 'bytes'; path: string; bytes: Buffer }
  | { kind: 'blob'; path: string; descriptor: Descriptor };

/** One element of Docker's `manifest.json` (moby's manifestItem; RepoTags is null when there is none). */
export interface DockerManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  LayerSources?: Record<string, { mediaType: string; size: number; digest: string }>;
}

export interface ArchivePlan {
  entries: PlanEntry[];
  manifestJson: Buffer;
  indexJson: Buffer;
  ociLayout: Buffer;
  /** Every blob in the archive (config, layers, manifest), once each. */
  blobs: Descriptor[];
  mtime: Date;
}

export const OCI_LAYOUT = Buffer.from('{"imageLayoutVersion": "1.0.0"}');

export function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

/** `docker.io/library/alpine` -> `alpine`, `docker.io/team/app` -> `team/app`, others unchanged. */
export function familiarName(registry: string, repository: string): string {
  if (registry !== 'docker.io') return `${registry}/${repository}`;
  return repository.startsWith('library/') ? repository.slice('library/'.length) : repository;
}

/** The tag `docker load` gives the image (RepoTags), or undefined for a digest-only reference. */
export function repoTag(image: ResolvedImage): string | undefined {
  const { registry, repository, tag } = image.name;
  return tag === undefined ? undefined : `${familiarName(registry, repository)}:${tag}`;
}

/** What containerd names the image on `ctr images import` (io.containerd.image.name). */
export function containerdName(image: ResolvedImage): string {
  const { registry, repository, tag } = image.name;
  return tag === undefined
    ? `${registry}/${repository}@${image.manifest.descriptor.digest}`
    : `${registry}/${repository}:${tag}`;
}

function platformOf(config: ImageConfigSummary): Platform | undefined {
  if (!config.os || !config.architecture) return undefined;
  const platform: Platform = { architecture: config.architecture, os: config.os };
  if (config.variant) platform.variant = config.variant;
  return platform;
}

function mtimeOf(config: ImageConfigSummary): Date {
  const created = config.created ? new Date(config.created) : undefined;
  return created && !Number.isNaN(created.getTime()) && created.getTime() >= 0 ? created : new Date(0);
}

/** Docker 25+ `manifest.json`: paths into the OCI layout's blobs, LayerSources keyed by diff ID. */
export function dockerManifest(image: ResolvedImage): DockerManifestItem[] {
  const layers = image.manifest.parsed.layers;
  const diffIds = image.config.parsed.rootfs?.diff_ids ?? [];
  const item: DockerManifestItem = {
    Config: blobPath(image.config.descriptor.digest),
    RepoTags: repoTag(image) === undefined ? null : [repoTag(image) as string],
    Layers: layers.map((layer) => blobPath(layer.digest)),
  };
  if (diffIds.length === layers.length && layers.length > 0) {
    item.LayerSources = Object.fromEntries(
      layers.map((layer, i) => [
        diffIds[i],
        { mediaType: layer.mediaType, size: layer.size, digest: layer.digest },
      ]),
    );
  }
  return [item];
}

/** The OCI `index.json`: one manifest descriptor annotated the way `docker save` does. */
export function ociIndex(image: ResolvedImage): Record<string, unknown> {
  const { descriptor } = image.manifest;
  const annotations: Record<string, string> = { 'io.containerd.image.name': containerdName(image) };
  if (image.name.tag !== undefined) annotations['org.opencontainers.image.ref.name'] = image.name.tag;
  const entry: Descriptor = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    annotations,
  };
  const platform = platformOf(image.config.parsed);
  if (platform) entry.platform = platform;
  return { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry] };
}

/** Every entry of the archive in write order (the order `docker save` uses: blobs, then the indexes). */
export function planArchive(image: ResolvedImage): ArchivePlan {
  const manifestJson = Buffer.from(JSON.stringify(dockerManifest(image)));
  const indexJson = Buffer.from(JSON.stringify(ociIndex(image)));
  const blobs: Descriptor[] = [];
  const seen = new Set<string>();
  for (const d of [image.config.descriptor, ...image.manifest.parsed.layers, image.manifest.descriptor]) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    blobs.push(d);
  }
  const algorithms = [...new Set(blobs.map((d) => d.digest.split(':')[0] as string))];
  const entries: PlanEntry[] = [
    { kind: 'directory', path: 'blobs' },
    ...algorithms.map((a): PlanEntry => ({ kind: 'directory', path: `blobs/${a}` })),
  ];
  for (const d of blobs) {
    if (d.digest === image.config.descriptor.digest) {
      entries.push({ kind: 'bytes', path: blobPath(d.digest), bytes: image.config.bytes });
    } else if (d.digest === image.manifest.descriptor.digest) {
      entries.push({ kind: 'bytes', path: blobPath(d.digest), bytes: image.manifest.bytes });
    } else {
      entries.push({ kind: 'blob', path: blobPath(d.digest), descriptor: d });
    }
  }
  entries.push(
    { kind: 'bytes', path: 'index.json', bytes: indexJson },
    { kind: 'bytes', path: 'manifest.json', bytes: manifestJson },
    { kind: 'bytes', path: 'oci-layout', bytes: OCI_LAYOUT },
  );
  return {
    entries,
    manifestJson,
    indexJson,
    ociLayout: OCI_LAYOUT,
    blobs,
    mtime: mtimeOf(image.config.parsed),
  };
}

/** `<name>-<first 12 hex of digest>.tar[.gz]`. */
export function archiveFileName(name: string, digest: string, compression: 'none' | 'gzip'): string {
  const hex = digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
  return `${name}-${hex}.tar${compression === 'gzip' ? '.gz' : ''}`;
}
