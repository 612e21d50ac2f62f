import { createHash } from 'node:crypto';
import type { PinDescriptor, PinRegistryClient } from '@sovereign-ci/pin';

export const INDEX = 'application/vnd.oci.image.index.v1+json';
export const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A deterministic digest for a name (tests only). */
export const fakeDigest = (seed: string): string =>
  `sha256:${createHash('sha256').update(seed).digest('hex')}`;

interface Entry {
  descriptor: PinDescriptor;
  manifest: unknown;
}

/**
 * An in-memory registry for the resolver: tags and manifests by `registry/repository`, plus config
 * blobs. Counts every request so tests can check that each unique reference is resolved once.
 */
export class FakePinClient implements PinRegistryClient {
  readonly requests: string[] = [];
  private readonly tags = new Map<string, string>();
  private readonly entries = new Map<string, Entry>();
  private readonly blobs = new Map<string, Buffer>();
  readonly failing = new Map<string, Error>();

  /** A single-platform image; returns its manifest digest. */
  image(repo: string, tag: string | undefined, platform: string): string {
    const [os, architecture, variant] = platform.split('/');
    const config = Buffer.from(JSON.stringify({ os, architecture, ...(variant ? { variant } : {}) }));
    const configDigest = fakeDigest(`config:${repo}:${platform}:${config.toString()}`);
    this.blobs.set(configDigest, config);
    const manifest = {
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: 'x', digest: configDigest, size: config.length },
      layers: [],
    };
    const digest = fakeDigest(`${repo}:${tag ?? ''}:${platform}:${Math.random()}`);
    this.entries.set(`${repo}@${digest}`, { descriptor: { mediaType: MANIFEST, digest, size: 1 }, manifest });
    if (tag) this.tags.set(`${repo}:${tag}`, digest);
    return digest;
  }

  /** A multi-platform index of fresh images; returns the index digest and the children by platform. */
  index(
    repo: string,
    tag: string,
    platforms: string[],
  ): { digest: string; children: Record<string, string> } {
    const children: Record<string, string> = {};
    const manifests = platforms.map((p) => {
      const digest = this.image(repo, undefined, p);
      children[p] = digest;
      const [os, architecture, variant] = p.split('/');
      return {
        mediaType: MANIFEST,
        digest,
        size: 1,
        platform: { os, architecture, ...(variant ? { variant } : {}) },
      };
    });
    const digest = fakeDigest(`${repo}:${tag}:index:${Math.random()}`);
    this.entries.set(`${repo}@${digest}`, {
      descriptor: { mediaType: INDEX, digest, size: 1 },
      manifest: { schemaVersion: 2, manifests },
    });
    this.tags.set(`${repo}:${tag}`, digest);
    return { digest, children };
  }

  repository(registry: string, name: string): ReturnType<PinRegistryClient['repository']> {
    const repo = `${registry}/${name}`;
    const lookup = (reference: string): Entry => {
      const failure = this.failing.get(repo);
      if (failure) throw failure;
      const digest = reference.startsWith('sha256:') ? reference : this.tags.get(`${repo}:${reference}`);
      const entry = digest ? this.entries.get(`${repo}@${digest}`) : undefined;
      if (!entry) throw new Error(`${repo}:${reference}: manifest unknown`);
      return entry;
    };
    return {
      manifests: {
        resolve: async (reference) => {
          this.requests.push(`resolve ${repo}:${reference}`);
          return lookup(reference).descriptor;
        },
        fetch: async (reference) => {
          this.requests.push(`fetch ${repo}@${reference}`);
          const e = lookup(reference);
          return {
            descriptor: e.descriptor,
            manifest: e.manifest,
            bytes: Buffer.from(JSON.stringify(e.manifest)),
          };
        },
      },
      blobs: {
        fetchBytes: async (descriptor) => {
          this.requests.push(`blob ${repo}@${descriptor.digest}`);
          const b = this.blobs.get(descriptor.digest);
          if (!b) throw new Error('blob unknown');
          return b;
        },
      },
    };
  }
}
