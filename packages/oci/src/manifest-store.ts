import type { Descriptor, Digest, FetchedManifest, Manifest, ManifestStore } from './types';
import { digestLike, digestOf } from './digest';
import { manifestMediaTypes, MediaType } from './media-types';
import { isValidDigest } from './reference';
import { RegistryError } from './registry-error';
import type { RegistrySession } from './registry-session';
import { header, type HttpResponse } from './transport';

export const DEFAULT_MANIFEST_CAP = 4 * 1024 * 1024;
const ACCEPT = manifestMediaTypes.join(', ');

/** Manifests of one repository. */
export class RemoteManifestStore implements ManifestStore {
  constructor(
    private readonly session: RegistrySession,
    private readonly name: string,
    private readonly maxBytes = DEFAULT_MANIFEST_CAP,
  ) {}

  private what(reference: string): string {
    return `manifest ${this.session.registry}/${this.name}${isValidDigest(reference) ? '@' : ':'}${reference}`;
  }

  async exists(reference: string): Promise<Descriptor | undefined> {
    const res = await this.head(reference, true);
    if (res.status === 404) return undefined;
    return this.describeHead(res, reference) ?? (await this.fetch(reference)).descriptor;
  }

  async resolve(reference: string): Promise<Descriptor> {
    const res = await this.head(reference, false);
    return this.describeHead(res, reference) ?? (await this.fetch(reference)).descriptor;
  }

  async fetch(reference: string): Promise<FetchedManifest> {
    const res = await this.session.request({
      method: 'GET',
      path: `/v2/${this.name}/manifests/${reference}`,
      scopes: [`repository:${this.name}:pull`],
      headers: { accept: ACCEPT },
      what: this.what(reference),
    });
    const bytes = await readManifestBody(res, this.maxBytes, this.what(reference));
    const actual = digestOf(bytes);
    // sha256 is already known; other algorithms are hashed only when a reference or header uses them
    const computed = (digest: string) => (digest.startsWith('sha256:') ? actual : digestLike(digest, bytes));
    const claimed = header(res, 'docker-content-digest');
    if (isValidDigest(reference) && computed(reference) !== reference) {
      throw this.lie(reference, `it is ${computed(reference)}`, res);
    }
    if (claimed && isValidDigest(claimed) && computed(claimed) !== claimed) {
      throw this.lie(reference, `the registry claims ${claimed} but the bytes are ${computed(claimed)}`, res);
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch {
      throw new RegistryError(`${this.what(reference)} is not valid JSON`, {
        code: 'INVALID_MANIFEST',
        url: res.url,
      });
    }
    const mediaType = manifestMediaType(manifest, header(res, 'content-type'));
    if (!mediaType) {
      throw new RegistryError(
        `${this.what(reference)} has media type '${manifest.mediaType ?? header(res, 'content-type') ?? 'none'}', not an image manifest or index`,
        { code: 'UNSUPPORTED_MEDIA_TYPE', url: res.url },
      );
    }
    const descriptor: Descriptor = {
      mediaType,
      digest: isValidDigest(reference) ? reference : actual,
      size: bytes.length,
    };
    if (manifest.artifactType) descriptor.artifactType = manifest.artifactType;
    return { descriptor, bytes, manifest };
  }

  async push(mediaType: string, bytes: Buffer, tag?: string): Promise<Descriptor> {
    const digest = digestOf(bytes);
    const reference = tag ?? digest;
    const res = await this.session.request({
      method: 'PUT',
      path: `/v2/${this.name}/manifests/${reference}`,
      scopes: [`repository:${this.name}:pull,push`],
      headers: { 'content-type': mediaType },
      body: bytes,
      what: `push of ${this.what(reference)}`,
    });
    await res.body.dump();
    const stored = header(res, 'docker-content-digest');
    if (stored && stored !== digest) {
      throw new RegistryError(
        `${this.session.registry} stored ${this.what(reference)} as ${stored} but we sent ${digest}; it rewrote the manifest`,
        { code: 'DIGEST_MISMATCH', method: 'PUT', url: res.url },
      );
    }
    return { mediaType, digest, size: bytes.length };
  }

  async delete(digest: Digest): Promise<void> {
    const res = await this.session.request({
      method: 'DELETE',
      path: `/v2/${this.name}/manifests/${digest}`,
      scopes: [`repository:${this.name}:delete`],
      what: `delete of ${this.what(digest)}`,
    });
    await res.body.dump();
  }

  private async head(reference: string, allow404: boolean): Promise<HttpResponse> {
    const res = await this.session.request({
      method: 'HEAD',
      path: `/v2/${this.name}/manifests/${reference}`,
      scopes: [`repository:${this.name}:pull`],
      headers: { accept: ACCEPT },
      what: this.what(reference),
      ...(allow404 ? { allowStatus: [404] } : {}),
    });
    await res.body.dump();
    return res;
  }

  /** A descriptor from HEAD headers, or undefined when they lack what is needed (then GET). */
  private describeHead(res: HttpResponse, reference: string): Descriptor | undefined {
    const digest = header(res, 'docker-content-digest') ?? (isValidDigest(reference) ? reference : undefined);
    const mediaType = header(res, 'content-type')?.split(';')[0]?.trim();
    const size = Number(header(res, 'content-length'));
    if (!digest || !isValidDigest(digest) || !mediaType || !manifestMediaTypes.includes(mediaType) || !size) {
      return undefined;
    }
    if (isValidDigest(reference) && digest !== reference) {
      throw this.lie(reference, `HEAD answered with digest ${digest}`, res);
    }
    return { mediaType, digest, size };
  }

  private lie(reference: string, detail: string, res: HttpResponse): RegistryError {
    return new RegistryError(`${this.what(reference)} does not match its digest: ${detail}; refusing it`, {
      code: 'DIGEST_MISMATCH',
      url: res.url,
    });
  }
}

async function readManifestBody(res: HttpResponse, max: number, what: string): Promise<Buffer> {
  const declared = Number(header(res, 'content-length') ?? NaN);
  const tooLarge = () =>
    new RegistryError(`${what} is larger than the ${max}-byte manifest limit; refusing it`, {
      code: 'MANIFEST_TOO_LARGE',
      url: res.url,
    });
  if (declared > max) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The manifest's media type: its own field, else Content-Type, else inferred from its shape. */
export function manifestMediaType(manifest: Manifest, contentType: string | undefined): string | undefined {
  const declared = manifest.mediaType ?? contentType?.split(';')[0]?.trim();
  if (declared && manifestMediaTypes.includes(declared)) return declared;
  if (declared && declared !== 'application/json') return undefined;
  if ('manifests' in manifest && Array.isArray(manifest.manifests)) return MediaType.ociIndex;
  if ('config' in manifest && manifest.config) return MediaType.ociManifest;
  return undefined;
}
