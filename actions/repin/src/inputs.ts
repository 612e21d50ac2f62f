import {
  InputError,
  readBoolean,
  readEnum,
  readInt,
  readList,
  readString,
  type InputSource,
  readRegistryTrust,
  readToken,
} from '@sovereign-ci/action-kit';
import { DEFAULT_PATHS, parseMirrors, type Mirror } from '@sovereign-ci/pin';

export interface RepinInputs {
  paths: string[];
  mirrors: Mirror[];
  rewriteToMirror: boolean;
  allowUnresolved: boolean;
  dryRun: boolean;
  pullRequest: boolean;
  gitPush: boolean;
  branch: string;
  base?: string;
  title: string;
  labels: string[];
  token?: string;
  repository?: { owner: string; repo: string };
  forge: 'auto' | 'forgejo' | 'github';
  apiUrl?: string;
  workingDirectory?: string;
  caFile?: string;
  insecureRegistries: string[];
  concurrency: number;
}

const BRANCH = /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*\/$)[A-Za-z0-9._/-]+$/;

function readMirrors(env: InputSource): Mirror[] {
  const entries: Record<string, string> = {};
  for (const item of readList(env, 'mirrors')) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) {
      throw new InputError('mirrors', `expected registry=mirror-host/prefix, got '${item}'`);
    }
    entries[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  try {
    return parseMirrors(entries);
  } catch (error) {
    throw new InputError('mirrors', (error as Error).message);
  }
}

function readRepository(env: InputSource): { owner: string; repo: string } | undefined {
  const value = readString(env, 'repository');
  if (value === undefined) return undefined;
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (!m) throw new InputError('repository', `expected owner/name, got '${value}'`);
  return { owner: m[1] ?? '', repo: m[2] ?? '' };
}

/** Reads and checks every input up front. `token` falls back to the job token in FORGEJO_TOKEN / GITHUB_TOKEN. */
export function readInputs(env: InputSource): RepinInputs {
  const paths = readList(env, 'paths');
  const branch = readString(env, 'branch') ?? 'repin/base-digests';
  if (!BRANCH.test(branch)) throw new InputError('branch', `'${branch}' is not a valid branch name`);
  const base = readString(env, 'base');
  if (base !== undefined && !BRANCH.test(base))
    throw new InputError('base', `'${base}' is not a valid branch name`);
  const token = readToken(env);
  const apiUrl = readString(env, 'api-url');
  if (apiUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(apiUrl)) {
    throw new InputError('api-url', `expected an http(s) URL, got '${apiUrl}'`);
  }
  const inputs: RepinInputs = {
    paths: paths.length > 0 ? paths : [...DEFAULT_PATHS],
    mirrors: readMirrors(env),
    rewriteToMirror: readBoolean(env, 'rewrite-to-mirror', false),
    allowUnresolved: readBoolean(env, 'allow-unresolved', false),
    dryRun: readBoolean(env, 'dry-run', false),
    pullRequest: readBoolean(env, 'pull-request', true),
    gitPush: readBoolean(env, 'git-push', false),
    branch,
    title: readString(env, 'title') ?? 'Re-pin base image digests',
    labels: readList(env, 'labels'),
    forge: readEnum(env, 'forge', ['auto', 'forgejo', 'github'] as const, 'auto'),
    ...readRegistryTrust(env),
    concurrency: readInt(env, 'concurrency', { default: 8, min: 1, max: 64 }),
  };
  if (base !== undefined) inputs.base = base;
  if (token !== undefined) inputs.token = token;
  const repository = readRepository(env);
  if (repository) inputs.repository = repository;
  if (apiUrl !== undefined) inputs.apiUrl = apiUrl;
  const workingDirectory = readString(env, 'working-directory');
  if (workingDirectory !== undefined) inputs.workingDirectory = workingDirectory;
  if (inputs.rewriteToMirror && inputs.mirrors.length === 0) {
    throw new InputError('rewrite-to-mirror', 'needs at least one entry in mirrors');
  }
  return inputs;
}
