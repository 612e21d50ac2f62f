import { ForgejoClient, ForgejoPackages } from '@sovereign-ci/forge';

/** `owner/name` of every container package of `owner`: Forgejo's registry has no catalog endpoint. */
export async function forgejoContainerRepositories(
  serverUrl: string,
  owner: string,
  token?: string,
): Promise<string[]> {
  const packages = new ForgejoPackages(
    new ForgejoClient({ apiUrl: `${serverUrl.replace(/\/+$/, '')}/api/v1`, token }),
  );
  return (await packages.containerNames(owner)).map((name) => `${owner}/${name}`);
}
