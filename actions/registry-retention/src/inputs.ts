import {
  InputError,
  readBoolean,
  readEnum,
  readInt,
  readList,
  readRequired,
  readString,
  type InputSource,
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

export function readInputs(env: InputSource): RetentionInputs {
  const provider = readEnum(env, 'provider', ['forgejo', 'oci'] as const, 'forgejo');
  const registry = readRequired(env, 'registry');
  if (/[/@\s]/.test(registry))
    throw new InputError('registry', `expected a registry host such as git.example.org, got '${registry}'`);
  const owner =
    readString(env, 'owner') ??
    (provider === 'forgejo' ? env.FORGEJO_REPOSITORY_OWNER || env.GITHUB_REPOSITORY_OWNER : undefined);
  const forgejoUrl = readString(env, 'forgejo-url') ?? env.FORGEJO_SERVER_URL ?? env.GITHUB_SERVER_URL;
  if (provider === 'forgejo') {
    if (!owner) throw new InputError('owner', 'is required with provider forgejo');
    if (!forgejoUrl)
      throw new InputError('forgejo-url', 'is required with provider forgejo outside a Forgejo job');
  }
  return {
    provider,
    registry,
    owner,
    repositories: readList(env, 'repositories'),
    forgejoUrl,
    token: readString(env, 'token', { secret: true }) ?? (env.FORGEJO_TOKEN || env.GITHUB_TOKEN || undefined),
    policy: {
      keep: readInt(env, 'keep', { default: 10, min: 1, max: 10_000 }),
      protect: readList(env, 'protect'),
      deleteUntagged: readBoolean(env, 'delete-untagged', false),
    },
    dryRun: readBoolean(env, 'dry-run', true),
    concurrency: readInt(env, 'concurrency', { default: 8, min: 1, max: 64 }),
    caFile: readString(env, 'ca-file'),
    insecureRegistries: readList(env, 'insecure-registries'),
  };
}
