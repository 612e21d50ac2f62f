import type { ForgejoClient } from './forgejo-client';
import type { WirePackage } from './forgejo-wire';

/** One package version as Forgejo lists it (a container image tag or `sha256:…` manifest is one version). */
export interface PackageVersion {
  id: number;
  owner: string;
  type: string;
  name: string;
  version: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  htmlUrl: string;
}

const toVersion = (owner: string, p: WirePackage): PackageVersion => ({
  id: p.id ?? 0,
  owner,
  type: p.type ?? '',
  name: p.name ?? '',
  version: p.version ?? '',
  createdAt: p.created_at ?? '',
  htmlUrl: p.html_url ?? '',
});

const versionPath = (owner: string, type: string, name: string, version: string): string =>
  `/packages/${encodeURIComponent(owner)}/${encodeURIComponent(type)}/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;

/** Forgejo's packages API (`/api/v1/packages/…`), for registry retention and for listing container repositories. */
export class ForgejoPackages {
  constructor(private readonly client: ForgejoClient) {}

  /** Every package version of `owner` (all pages), optionally of one `type` and matching `query` (substring). */
  async list(owner: string, options: { type?: string; query?: string } = {}): Promise<PackageVersion[]> {
    const items = await this.client.paginate<WirePackage>(`/packages/${encodeURIComponent(owner)}`, {
      type: options.type,
      q: options.query,
    });
    return items.map((p) => toVersion(owner, p));
  }

  /** The versions of one package (exact name), newest first. */
  async versions(owner: string, type: string, name: string): Promise<PackageVersion[]> {
    const all = await this.list(owner, { type, query: name });
    return all
      .filter((p) => p.name === name)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  /** Container package names of `owner` (Forgejo has no `/v2/_catalog`). */
  async containerNames(owner: string): Promise<string[]> {
    return [...new Set((await this.list(owner, { type: 'container' })).map((p) => p.name))].sort();
  }

  async get(owner: string, type: string, name: string, version: string): Promise<PackageVersion | undefined> {
    const res = await this.client.http.request<WirePackage>('GET', versionPath(owner, type, name, version), {
      accept404: true,
    });
    return res.data ? toVersion(owner, res.data) : undefined;
  }

  /** `DELETE /packages/{owner}/{type}/{name}/{version}` (each part URL-encoded, e.g. `sha256%3A…`). */
  async delete(owner: string, type: string, name: string, version: string): Promise<void> {
    await this.client.http.request('DELETE', versionPath(owner, type, name, version));
  }
}
