import {
  InputError,
  maskSecret,
  readBoolean,
  readInt,
  readList,
  readRequired,
  readString,
  type InputSource,
  readRegistryTrust,
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

/** The job token, masked as it is read (the runner may not know it is a secret). */
function jobToken(env: InputSource): string | undefined {
  const token = env.FORGEJO_TOKEN || env.GITHUB_TOKEN || undefined;
  if (token) maskSecret(token);
  return token;
}

export function readInputs(env: InputSource): ProbeInputs {
  const registry = readRequired(env, 'registry');
  if (/[/@\s]/.test(registry))
    throw new InputError('registry', `expected a registry host such as harbor.lab, got '${registry}'`);
  const forgejoOwner = readString(env, 'forgejo-owner');
  const forgejoUrl = readString(env, 'forgejo-url') ?? env.FORGEJO_SERVER_URL ?? env.GITHUB_SERVER_URL;
  if (forgejoUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(forgejoUrl))
    throw new InputError(
      'forgejo-url',
      `expected an http(s) URL such as https://git.example.org, got '${forgejoUrl}'`,
    );
  if (forgejoOwner && !forgejoUrl)
    throw new InputError('forgejo-url', 'is required with forgejo-owner outside a Forgejo job');
  return {
    registry,
    repositories: readList(env, 'repositories'),
    forgejoOwner,
    forgejoUrl,
    token: readString(env, 'token', { secret: true }) ?? (forgejoOwner ? jobToken(env) : undefined),
    blobs: readBoolean(env, 'blobs', false),
    concurrency: readInt(env, 'concurrency', { default: 8, min: 1, max: 64 }),
    prometheusFile: readString(env, 'prometheus-file'),
    instance: readString(env, 'instance') ?? registry,
    failOnBroken: readBoolean(env, 'fail-on-broken', true),
    ...readRegistryTrust(env),
  };
}
