import type { Descriptor, Digest, ImageIndex, Repository } from './types';
import { RemoteBlobStore } from './blob-store';
import type { UploadContext } from './blob-upload';
import { referrersTag } from './digest';
import { RemoteManifestStore } from './manifest-store';
import { MediaType } from './media-types';
import { nextLink } from './pagination';
import { RegistryError } from './registry-error';
import { readCapped } from './registry-session';
import { header } from './transport';

/** A repository on a registry: blobs, manifests, tags, referrers. */
export class RemoteRepository implements Repository {
  readonly registry: string;
  readonly blobs: RemoteBlobStore;
  readonly manifests: RemoteManifestStore;

  constructor(
    private readonly ctx: UploadContext,
    readonly name: string,
  ) {
    this.registry = ctx.session.registry;
    this.blobs = new RemoteBlobStore(ctx);
    this.manifests = new RemoteManifestStore(ctx.session, name);
  }

  async listTags(options: { pageSize?: number } = {}): Promise<string[]> {
    const first = `/v2/${this.name}/tags/list${options.pageSize ? `?n=${options.pageSize}` : ''}`;
    const pages = await collectPages<{ tags?: string[] | null }>(
      this.ctx,
      first,
      [`repository:${this.name}:pull`],
      `tags of ${this.name}`,
    );
    return pages.flatMap((p) => p.tags ?? []);
  }

  /** The referrers API's answer, or undefined when the registry has no referrers API. */
  async referrersApi(subject: Digest, artifactType?: string): Promise<Descriptor[] | undefined> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.ctx.session.request({
      method: 'GET',
      path: `/v2/${this.name}/referrers/${subject}${query}`,
      scopes: [`repository:${this.name}:pull`],
      headers: { accept: MediaType.ociIndex },
      allowStatus: [404, 400, 405],
      what: `referrers of ${subject} in ${this.name}`,
    });
    const text = await readCapped(res, 4 * 1024 * 1024);
    const type = header(res, 'content-type')?.split(';')[0]?.trim();
    if (res.status !== 200 || type !== MediaType.ociIndex) return undefined;
    const index = parseIndex(text, `referrers of ${subject} in ${this.registry}/${this.name}`);
    return filterType(index.manifests, artifactType);
  }

  async referrers(subject: Digest, artifactType?: string): Promise<Descriptor[]> {
    const fromApi = await this.referrersApi(subject, artifactType);
    if (fromApi) return fromApi;
    const tag = referrersTag(subject);
    if (!(await this.manifests.exists(tag))) return [];
    const fetched = await this.manifests.fetch(tag);
    if (!('manifests' in fetched.manifest)) {
      throw new RegistryError(
        `${this.registry}/${this.name}:${tag} should be a referrers index but is an image manifest`,
        {
          code: 'INVALID_MANIFEST',
        },
      );
    }
    return filterType(fetched.manifest.manifests, artifactType);
  }
}

function filterType(list: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
}

function parseIndex(text: string, what: string): ImageIndex {
  try {
    const index = JSON.parse(text) as ImageIndex;
    if (Array.isArray(index.manifests)) return index;
  } catch {
    // fall through
  }
  throw new RegistryError(`${what}: the registry answered something that is not an image index`, {
    code: 'INVALID_MANIFEST',
  });
}

/**
 * The next page of a listing, resolved against the page that named it. Only on the registry's own
 * origin: a Link elsewhere could feed us another host's listing (and would get no credentials).
 */
function nextPage(ctx: UploadContext, pageUrl: string, link: string | undefined, what: string) {
  const target = nextLink(link);
  if (target === undefined) return undefined;
  const next = new URL(target, pageUrl);
  if (next.origin !== new URL(pageUrl).origin) {
    throw new RegistryError(
      `${what}: ${ctx.session.registry} answered with a next page that points to another host (${next.host}); refusing to follow it`,
      { code: 'PROTOCOL_ERROR', method: 'GET', url: pageUrl },
    );
  }
  return `${next.pathname}${next.search}`;
}

/** Follows `Link: <…>; rel="next"` through every page of a JSON listing. */
export async function collectPages<T>(
  ctx: UploadContext,
  first: string,
  scopes: string[],
  what: string,
): Promise<T[]> {
  const pages: T[] = [];
  const seen = new Set<string>();
  for (let path: string | undefined = first; path;) {
    if (seen.has(path)) break;
    seen.add(path);
    const res = await ctx.session.request({ method: 'GET', path, scopes, what });
    const text = await readCapped(res, 32 * 1024 * 1024);
    try {
      pages.push(JSON.parse(text) as T);
    } catch {
      throw new RegistryError(`${what}: ${ctx.session.registry} answered something that is not JSON`, {
        code: 'PROTOCOL_ERROR',
        url: res.url,
      });
    }
    path = nextPage(ctx, res.url, header(res, 'link'), what);
  }
  return pages;
}
