import { ForgejoClient, ForgejoPackages } from '@sovereign-ci/forge';
import type { ForgejoPackagesApi } from '@sovereign-ci/registry-health';

export function forgejoPackagesApi(serverUrl: string, token?: string): ForgejoPackagesApi {
  return new ForgejoPackages(new ForgejoClient({ apiUrl: `${serverUrl.replace(/\/+$/, '')}/api/v1`, token }));
}
