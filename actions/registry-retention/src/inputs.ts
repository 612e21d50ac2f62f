import {
  InputError,
  readBoolean,
  readEnum,
  readInt,
  readList,
  readString,
  type InputSource,
  readRegistryTrust,
  readRegistryHost,
  readServerUrl,
  readToken,
} from '@sovereign-ci/action-kit';
import type { RetentionPolicy } from '@sovereign-ci/registry-health';

export interface RetentionInputs {
  provider: 'forgejo' | 'oci';
  registry: string;
  owner?: string;
  repositories: string[];
  forgejoUrl?: string;
  token?: string;
  policy: RetentionPolicy;
  dryRun: boolean;
  concurrency: number;
  caFile?: string;
  insecureRegistries: string[];
}

/** The job token, masked as it is read (the runner may not know it is a secret). */
export function readInputs(env: InputSource): RetentionInputs {
  const provider = readEnum(env, 'provider', ['forgejo', 'oci'] as const, 'forgejo');
  const registry = readRegistryHost(env);
  const repositories = readList(env, 'repositories');
  // Each provider has its own way of naming what it cleans: refuse the other one's input rather than ignore it.
  if (provider === 'forgejo' && repositories.length > 0)
    throw new InputError('repositories', 'applies to provider oci; with provider forgejo set owner');
  if (provider === 'oci' && readString(env, 'owner') !== undefined)
    throw new InputError('owner', 'applies to provider forgejo; with provider oci set repositories');
  const owner =
    readString(env, 'owner') ??
    (provider === 'forgejo' ? env.FORGEJO_REPOSITORY_OWNER || env.GITHUB_REPOSITORY_OWNER : undefined);
  const forgejoUrl = readServerUrl(env, 'forgejo-url');
  if (provider === 'forgejo') {
    if (!owner) throw new InputError('owner', 'is required with provider forgejo');
    if (!forgejoUrl)
      throw new InputError('forgejo-url', 'is required with provider forgejo outside a Forgejo job');
  }
  const deleteUntagged = readBoolean(env, 'delete-untagged', false);
  if (provider === 'oci' && deleteUntagged)
    throw new InputError(
      'delete-untagged',
      'applies to provider forgejo: a plain registry cannot list untagged manifests',
    );
  return {
    provider,
    registry,
    owner,
    repositories,
    forgejoUrl,
    token: readToken(env),
    policy: {
      keep: readInt(env, 'keep', { default: 10, min: 1, max: 10_000 }),
      protect: readList(env, 'protect'),
      deleteUntagged,
    },
    dryRun: readBoolean(env, 'dry-run', true),
    concurrency: readInt(env, 'concurrency', { default: 8, min: 1, max: 64 }),
    ...readRegistryTrust(env),
  };
}
