import { formatReference, type ImageReference } from '@sovereign-ci/oci';
import type { Logger } from '@sovereign-ci/action-kit';
import { applyMirror, type Mirror } from './mirrors';

/** The descriptor fields the resolver reads. */
export interface PinDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
}

/** The part of the OCI client (`RegistryClient`) that re-pinning needs. */
export interface PinRegistryClient {
  repository(
    registry: string,
    name: string,
  ): {
    manifests: {
      resolve(reference: string): Promise<PinDescriptor>;
      fetch(reference: string): Promise<{ descriptor: PinDescriptor; manifest: unknown; bytes: Buffer }>;
    };
    blobs: { fetchBytes(descriptor: PinDescriptor, maxBytes?: number): Promise<Buffer> };
  };
}

export interface Resolution {
  digest: string;
  /** `os/arch[/variant]` when a single-platform pin was kept. */
  platform?: string;
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

interface PlatformLike {
  os?: string;
  architecture?: string;
  variant?: string;
}

const platformKey = (p: PlatformLike): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/**
 * Resolves tags to digests through the mirrors, each unique request once (promises are shared).
 * A stale pin that was a single-platform manifest is re-pinned to the same platform's manifest
 * in the tag's current index.
 */
export class PinResolver {
  private readonly tags = new Map<string, Promise<PinDescriptor>>();
  private readonly manifests = new Map<string, Promise<{ descriptor: PinDescriptor; manifest: unknown }>>();
  private readonly platforms = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: PinRegistryClient,
    private readonly mirrors: readonly Mirror[],
    private readonly logger: Logger,
  ) {}

  /** Where a reference is resolved (its mirror, when one covers its registry). */
  source(ref: ImageReference): ImageReference {
    return applyMirror(ref, this.mirrors);
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    let p = cache.get(key);
    if (!p) {
      p = make();
      cache.set(key, p);
    }
    return p;
  }

  private repo(ref: ImageReference): ReturnType<PinRegistryClient['repository']> {
    return this.client.repository(ref.registry, ref.repository);
  }

  /** The current descriptor of `ref`'s tag at its source. */
  resolveTag(ref: ImageReference): Promise<PinDescriptor> {
    const src = this.source({ ...ref, digest: undefined } as ImageReference);
    const tag = ref.tag ?? 'latest';
    return this.once(this.tags, `${src.registry}/${src.repository}:${tag}`, () =>
      this.repo(src).manifests.resolve(tag),
    );
  }

  private fetchManifest(
    src: ImageReference,
    reference: string,
  ): Promise<{ descriptor: PinDescriptor; manifest: unknown }> {
    return this.once(this.manifests, `${src.registry}/${src.repository}@${reference}`, () =>
      this.repo(src).manifests.fetch(reference),
    );
  }

  /** Platform of a single-platform manifest (from its config), undefined for an index or when unknown. */
  private platformOf(src: ImageReference, digest: string): Promise<string | undefined> {
    return this.once(this.platforms, `${src.registry}/${src.repository}@${digest}`, async () => {
      try {
        const { descriptor, manifest } = await this.fetchManifest(src, digest);
        if (INDEX_TYPES.has(descriptor.mediaType)) return undefined;
        const config = (manifest as { config?: PinDescriptor }).config;
        if (!config) return undefined;
        const bytes = await this.repo(src).blobs.fetchBytes(config, 1 << 20);
        const key = platformKey(JSON.parse(bytes.toString('utf8')) as PlatformLike);
        return key || undefined;
      } catch (error) {
        this.logger.warning(
          `${formatReference(src)}: the pinned ${digest} could not be read (${(error as Error).message}); pinning the index`,
        );
        return undefined;
      }
    });
  }

  /** The digest `ref` should be pinned to now. `ref.digest` is the existing pin, if any. */
  async resolve(ref: ImageReference): Promise<Resolution> {
    const current = await this.resolveTag(ref);
    const old = ref.digest;
    if (!old || old === current.digest || !INDEX_TYPES.has(current.mediaType))
      return { digest: current.digest };
    const src = this.source({ ...ref, digest: undefined } as ImageReference);
    const index = (await this.fetchManifest(src, current.digest)).manifest as { manifests?: PinDescriptor[] };
    const children = index.manifests ?? [];
    const kept = children.find((d) => d.digest === old);
    if (kept)
      return { digest: old, platform: kept.platform ? platformKey(kept.platform) : undefined } as Resolution;
    const platform = await this.platformOf(src, old);
    if (!platform) return { digest: current.digest };
    const match = children.find((d) => d.platform && platformKey(d.platform) === platform);
    if (!match) {
      this.logger.warning(
        `${formatReference(src)}: the new index has no ${platform} manifest; pinning the index`,
      );
      return { digest: current.digest };
    }
    return { digest: match.digest, platform };
  }
}
