import {
  InputError,
  readBoolean,
  readInt,
  readList,
  readRequired,
  readString,
  type InputSource,
} from '@sovereign-ci/action-kit';

export interface ProbeInputs {
  registry: string;
  repositories: string[];
  forgejoOwner?: string;
  forgejoUrl?: string;
  token?: string;
  blobs: boolean;
  concurrency: number;
  prometheusFile?: string;
  instance: string;
  failOnBroken: boolean;
  caFile?: string;
  insecureRegistries: string[];
}

export function readInputs(env: InputSource): ProbeInputs {
  const registry = readRequired(env, 'registry');
  if (/[/@\s]/.test(registry))
    throw new InputError('registry', `expected a registry host such as harbor.lab, got '${registry}'`);
  const forgejoOwner = readString(env, 'forgejo-owner');
  const forgejoUrl = readString(env, 'forgejo-url') ?? env.FORGEJO_SERVER_URL ?? env.GITHUB_SERVER_URL;
  if (forgejoOwner && !forgejoUrl)
    throw new InputError('forgejo-url', 'is required with forgejo-owner outside a Forgejo job');
  return {
    registry,
    repositories: readList(env, 'repositories'),
    forgejoOwner,
    forgejoUrl,
    token:
      readString(env, 'token', { secret: true }) ??
      (forgejoOwner ? env.FORGEJO_TOKEN || env.GITHUB_TOKEN : undefined),
    blobs: readBoolean(env, 'blobs', false),
    concurrency: readInt(env, 'concurrency', { default: 8, min: 1, max: 64 }),
    prometheusFile: readString(env, 'prometheus-file'),
    instance: readString(env, 'instance') ?? registry,
    failOnBroken: readBoolean(env, 'fail-on-broken', true),
    caFile: readString(env, 'ca-file'),
    insecureRegistries: readList(env, 'insecure-registries'),
  };
}
