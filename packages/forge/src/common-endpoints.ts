import { encodePath, type ForgeHttp } from './forge-http';
import type { WireBranch, WireContents, WireRepository } from './forgejo-wire';
import type { BranchInfo, FileContent, RepoRef, RepositoryInfo } from './types';
import { toBranch } from './wire-mapping';

/* Endpoints Forgejo and GitHub serve with the same paths and shapes. */

export const repoPath = (r: RepoRef): string =>
  `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}`;

export async function getRepository(http: ForgeHttp, r: RepoRef): Promise<RepositoryInfo> {
  const repo = await http.json<WireRepository>('GET', repoPath(r));
  return {
    fullName: repo.full_name ?? `${r.owner}/${r.repo}`,
    defaultBranch: repo.default_branch ?? 'main',
    htmlUrl: repo.html_url ?? '',
  };
}

export async function getBranch(http: ForgeHttp, r: RepoRef, name: string): Promise<BranchInfo | undefined> {
  const res = await http.request<WireBranch>('GET', `${repoPath(r)}/branches/${encodeURIComponent(name)}`, {
    accept404: true,
  });
  return res.data ? toBranch(res.data) : undefined;
}

export async function getFile(
  http: ForgeHttp,
  r: RepoRef,
  path: string,
  ref: string,
): Promise<FileContent | undefined> {
  const res = await http.request<WireContents | WireContents[]>(
    'GET',
    `${repoPath(r)}/contents/${encodePath(path)}`,
    {
      query: { ref },
      accept404: true,
    },
  );
  const c = res.data;
  if (!c) return undefined;
  if (Array.isArray(c) || c.type !== 'file') throw new Error(`${path} on ${ref} is not a file`);
  return { path, sha: c.sha ?? '', content: Buffer.from(c.content ?? '', 'base64') };
}
