import path from 'node:path';
import {
  InputError,
  maskSecret,
  readEnum,
  readInt,
  readList,
  readRegistryTrust,
  readRequired,
  readString,
  type InputSource,
} from '@sovereign-ci/action-kit';
import {
  DEFAULT_HF_ENDPOINT,
  parseHfUrl,
  parseShard,
  type ModelFormat,
  type Shard,
} from '@sovereign-ci/model';
import { parseReference, type ImageReference } from '@sovereign-ci/oci';

export interface MirrorInputs {
  source: { kind: 'huggingface'; repo: string } | { kind: 'directory'; dir: string };
  revision?: string;
  hfEndpoint: string;
  hfToken?: string;
  include: string[];
  exclude: string[];
  destination: ImageReference;
  format: ModelFormat;
  artifactType?: string;
  concurrency: number;
  /** Bytes per PATCH when set; otherwise the registry client's own defaults apply. */
  chunkSize?: number;
  shard?: Shard;
  /** Digest cache file for directory sources ('' = none). */
  digestCache?: string;
  caFile?: string;
  insecureRegistries: string[];
}

export function readInputs(env: InputSource, workspace = process.cwd()): MirrorInputs {
  const rawSource = readRequired(env, 'source');
  let source: MirrorInputs['source'];
  if (rawSource.startsWith('hf://')) {
    const hf = parseHfUrl(rawSource);
    if (!hf) throw new InputError('source', `expected hf://org/name, got '${rawSource}'`);
    source = { kind: 'huggingface', repo: hf.repo };
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rawSource)) {
    throw new InputError('source', `expected hf://org/name or a directory, got '${rawSource}'`);
  } else {
    source = { kind: 'directory', dir: path.resolve(workspace, rawSource) };
  }

  const rawDestination = readRequired(env, 'destination');
  let destination: ImageReference;
  try {
    destination = parseReference(rawDestination);
  } catch (error) {
    throw new InputError(
      'destination',
      `expected registry/repository[:tag], got '${rawDestination}': ${(error as Error).message}`,
    );
  }
  if (destination.digest)
    throw new InputError('destination', 'name a tag (or none), not a digest: the digest is the result');

  const endpoint = readString(env, 'hf-endpoint') ?? (env.HF_ENDPOINT || DEFAULT_HF_ENDPOINT);
  const credentials = /^[a-z]+:\/\/([^/@\s]*)@/i.exec(endpoint)?.[1];
  if (credentials !== undefined) {
    // they would end up in logs and in the manifest's source annotation
    maskSecret(credentials);
    throw new InputError('hf-endpoint', 'must not carry credentials (user:password@); set hf-token instead');
  }
  if (!/^https?:\/\/[^/\s]+/.test(endpoint))
    throw new InputError('hf-endpoint', `expected an http(s) URL, got '${endpoint}'`);
  let hfToken = readString(env, 'hf-token', { secret: true });
  if (!hfToken && env.HF_TOKEN) {
    hfToken = env.HF_TOKEN.trim();
    maskSecret(hfToken);
  }

  const format = readEnum(env, 'format', ['modelpack', 'oras'] as const, 'modelpack');
  const artifactType = readString(env, 'artifact-type');
  if (artifactType && format !== 'oras')
    throw new InputError('artifact-type', 'applies to format: oras only');
  if (artifactType && !/^[a-z0-9][\w.+-]*\/[\w.+-]+$/i.test(artifactType)) {
    throw new InputError(
      'artifact-type',
      `expected a media type such as application/vnd.example.model.v1, got '${artifactType}'`,
    );
  }

  const rawShard = readString(env, 'shard');
  const shard = rawShard === undefined ? undefined : parseShard(rawShard);
  if (rawShard !== undefined && !shard)
    throw new InputError('shard', `expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${rawShard}'`);

  const revision = readString(env, 'revision');
  if (revision && /[\s\0]/.test(revision))
    throw new InputError('revision', `'${revision}' is not a branch, tag or commit`);
  const cache = readString(env, 'digest-cache');
  const chunkSize = readString(env, 'chunk-size') === undefined ? undefined : readSize(env, 'chunk-size', 0);

  return {
    source,
    ...(revision ? { revision } : {}),
    hfEndpoint: endpoint.replace(/\/+$/, ''),
    ...(hfToken ? { hfToken } : {}),
    include: readList(env, 'include'),
    exclude: readList(env, 'exclude'),
    destination,
    format,
    ...(artifactType ? { artifactType } : {}),
    concurrency: readInt(env, 'concurrency', { default: 4, min: 1, max: 32 }),
    ...(chunkSize !== undefined ? { chunkSize } : {}),
    ...(shard ? { shard } : {}),
    ...(cache !== undefined ? { digestCache: cache === 'false' ? '' : path.resolve(workspace, cache) } : {}),
    ...readRegistryTrust(env),
  };
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** A byte count: `67108864`, `64MiB`, `100MB`, `1GiB`. */
export function readSize(env: InputSource, name: string, defaultValue: number): number {
  const value = readString(env, name);
  if (value === undefined) return defaultValue;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined)
    throw new InputError(name, `expected a size such as 64MiB or 67108864, got '${value}'`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < 1024 * 1024 || bytes > 4 * 1024 ** 3)
    throw new InputError(name, `must be between 1MiB and 4GiB, got '${value}'`);
  return bytes;
}
