import {
  InputError,
  readBoolean,
  readInt,
  readList,
  readString,
  type InputSource,
  readRegistryTrust,
  readRegistryHost,
  readServerUrl,
  readToken,
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
export function readInputs(env: InputSource): ProbeInputs {
  const registry = readRegistryHost(env);
  const forgejoOwner = readString(env, 'forgejo-owner');
  const forgejoUrl = readServerUrl(env, 'forgejo-url');
  if (forgejoOwner && !forgejoUrl)
    throw new InputError('forgejo-url', 'is required with forgejo-owner outside a Forgejo job');
  return {
    registry,
    repositories: readList(env, 'repositories'),
    forgejoOwner,
    forgejoUrl,
    token: forgejoOwner ? readToken(env) : readString(env, 'token', { secret: true }),
    blobs: readBoolean(env, 'blobs', false),
    concurrency: readInt(env, 'concurrency', { default: 8, min: 1, max: 64 }),
    prometheusFile: readString(env, 'prometheus-file'),
    instance: readString(env, 'instance') ?? registry,
    failOnBroken: readBoolean(env, 'fail-on-broken', true),
    ...readRegistryTrust(env),
  };
}
