import type { Logger } from '@sovereign-ci/action-kit';
import { hubHeader, type HubClient, type HubResponse } from './hf-client';
import { HuggingFaceError } from './hf-error';
import type { ModelFile, ModelSource } from './types';

export interface HfRepo {
  /** `org/name` (or a legacy single-segment name). */
  repo: string;
}

/** Parses `hf://org/name` (also `hf://models/org/name`). */
export function parseHfUrl(value: string): HfRepo | undefined {
  const m = /^hf:\/\/(?:models\/)?([A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?)\/?$/.exec(
    value,
  );
  if (!m?.[1] || m[1].includes('..')) return undefined;
  return { repo: m[1] };
}

export interface HfSourceOptions {
  repo: string;
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  client: HubClient;
  logger?: Logger;
  signal?: AbortSignal;
}

interface RevisionInfo {
  id?: string;
  sha?: string;
  lastModified?: string;
  private?: boolean;
  gated?: boolean | string;
}

interface TreeEntry {
  type?: string;
  path?: string;
  size?: number;
  oid?: string;
  lfs?: { oid?: string; size?: number };
}

/**
 * A Hugging Face model at one commit: the revision is resolved to its commit sha first
 * (`/api/models/{repo}/revision/{rev}`), the file list is read at that commit from the paginated tree
 * (`/api/models/{repo}/tree/{sha}?recursive=true`), and files download from `/{repo}/resolve/{sha}/{path}`.
 */
export async function huggingFaceSource(options: HfSourceOptions): Promise<ModelSource> {
  const { client } = options;
  const revision = options.revision ?? 'main';
  let repo = options.repo;
  const ctx = { repo, ...(options.signal ? { signal: options.signal } : {}) };
  const { value: info, res } = await client.json<RevisionInfo>(
    client.url(`api/models/${repo}/revision/${encodeURIComponent(revision)}`),
    { ...ctx, what: `revision '${revision}' of ${repo}` },
  );
  const sha = info.sha ?? hubHeader(res, 'x-repo-commit');
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new HuggingFaceError(`the Hub gave no commit sha for revision '${revision}' of ${repo}`);
  }
  // a renamed repository answers under its new name (after a redirect); use that from here on
  if (typeof info.id === 'string' && info.id !== repo && parseHfUrl(`hf://${info.id}`)) {
    options.logger?.info(`${repo} is now ${info.id}`);
    repo = info.id;
    ctx.repo = repo;
  }
  options.logger?.info(`${repo}@${revision} is commit ${sha}`);

  const entries: TreeEntry[] = [];
  let next: URL | undefined = client.url(`api/models/${repo}/tree/${sha}?recursive=true`);
  for (let page = 0; next; page++) {
    if (page > 10_000) throw new HuggingFaceError(`the file listing of ${repo} does not end`);
    const got: { value: TreeEntry[]; res: HubResponse } = await client.json<TreeEntry[]>(next, {
      ...ctx,
      what: `the file list of ${repo}@${sha.slice(0, 12)}`,
    });
    if (!Array.isArray(got.value)) throw new HuggingFaceError(`the file list of ${repo} is not a JSON array`);
    entries.push(...got.value);
    next = nextLink(hubHeader(got.res, 'link'), next);
  }

  const files = entries.filter((e) => e.type === 'file').map((e) => toFile(e, client, repo, sha));
  return {
    kind: 'huggingface',
    name: repo,
    url: new URL(repo, client.endpoint).toString(),
    revision: sha,
    ...(info.lastModified ? { created: new Date(info.lastModified).toISOString() } : {}),
    files,
  };
}

function toFile(e: TreeEntry, client: HubClient, repo: string, sha: string): ModelFile {
  if (
    typeof e.path !== 'string' ||
    typeof e.size !== 'number' ||
    !Number.isSafeInteger(e.size) ||
    e.size < 0
  ) {
    throw new HuggingFaceError(`the file list of ${repo} has an entry without a valid path and size`);
  }
  const path = e.path;
  const file: ModelFile = {
    path,
    size: e.size,
    open: async (signal) => {
      const encoded = path.split('/').map(encodeURIComponent).join('/');
      const url = client.url(`${repo}/resolve/${sha}/${encoded}`);
      const { body, res } = await client.open(url, {
        repo,
        what: `${path} of ${repo}`,
        ...(signal ? { signal } : {}),
      });
      const length = hubHeader(res, 'content-length');
      if (length !== undefined && Number(length) !== e.size) {
        body.destroy();
        throw new HuggingFaceError(
          `${path} of ${repo} downloads as ${length} bytes, but the listing says ${e.size}`,
        );
      }
      return body;
    },
  };
  if (e.lfs) {
    if (typeof e.lfs.oid !== 'string' || !/^[0-9a-f]{64}$/.test(e.lfs.oid)) {
      throw new HuggingFaceError(`${path} of ${repo} is an LFS file without a sha256 in the listing`);
    }
    if (e.lfs.size !== undefined && e.lfs.size !== e.size) {
      throw new HuggingFaceError(
        `${path} of ${repo}: the listing gives two sizes (${e.size}, LFS ${e.lfs.size})`,
      );
    }
    file.publishedDigest = `sha256:${e.lfs.oid}`;
  } else if (typeof e.oid === 'string' && /^[0-9a-f]{40}$/.test(e.oid)) {
    file.gitOid = e.oid;
    // content-addressed: the same git blob always has the same sha256
    file.cacheKey = `git-blob:${e.oid}`;
  }
  return file;
}

/** The `rel="next"` target of a Link header, resolved against the current URL. */
export function nextLink(link: string | undefined, base: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m?.[1] !== undefined && /\brel="?next"?/.test(m[2] ?? '')) {
      const url = new URL(m[1], base);
      if (url.origin !== base.origin)
        throw new HuggingFaceError(`the Hub paginated to another host (${url.host}); refusing it`);
      return url;
    }
  }
  return undefined;
}
