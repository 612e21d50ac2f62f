import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  InputError,
  parseDuration,
  readBoolean,
  readEnum,
  readLines,
  readList,
  readMap,
  readString,
  type InputSource,
} from '@sovereign-ci/action-kit';
import {
  parseFlavor,
  parseRegistryMirror,
  parseTagRules,
  TagRuleError,
  type Builder,
  type BuildSpec,
} from '@sovereign-ci/build';
import { formatReference, parseReference, type InvalidReferenceError } from '@sovereign-ci/oci';

/** What the build itself takes, as the builder spec names it. */
type BuildOptions = Pick<
  BuildSpec,
  | 'buildArgs'
  | 'target'
  | 'platform'
  | 'push'
  | 'cache'
  | 'cacheRepo'
  | 'cacheTtl'
  | 'reproducible'
  | 'registryMirrors'
  | 'insecureRegistries'
  | 'caFile'
>;

export interface BuildPushInputs extends BuildOptions {
  context: string;
  file: string;
  /** `registry/repository`, normalised. */
  images: string[];
  tags: string[];
  flavor: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  builder: Builder;
  executor?: string;
  storageDriver: string;
  extraArgs: string[];
  defaultBranch?: string;
}

/** A repository without tag or digest (`images`, `cache-repo`), normalised to `registry/repository`. */
function readRepository(name: string, line: string, hint: string): string {
  let ref;
  try {
    ref = parseReference(line);
  } catch (error) {
    throw new InputError(name, (error as InvalidReferenceError).message, { cause: error });
  }
  if (ref.tag !== undefined || ref.digest !== undefined)
    throw new InputError(name, `'${line}' has a ${ref.digest ? 'digest' : 'tag'}: ${hint}`);
  return formatReference(ref);
}

function readImages(env: InputSource): string[] {
  const lines = readList(env, 'images');
  if (lines.length === 0) throw new InputError('images', 'list at least one repository, one per registry');
  const hint = "list repositories only and put tags in 'tags'";
  return [...new Set(lines.map((line) => readRepository('images', line, hint)))];
}

/** `cache-repo` and `cache-ttl` only mean something with `cache: true`; set without it they are an error. */
function readCacheRepo(env: InputSource, cache: boolean): string | undefined {
  const value = readString(env, 'cache-repo');
  if (value === undefined) return undefined;
  if (!cache) throw new InputError('cache-repo', "is set but 'cache' is false: set cache: true to use it");
  return readRepository('cache-repo', value, 'give a repository, the builder names the cache entries');
}

function readTags(env: InputSource): string[] {
  const tags = readLines(env, 'tags');
  try {
    parseTagRules(tags);
  } catch (error) {
    if (error instanceof TagRuleError) throw new InputError('tags', error.message, { cause: error });
    throw error;
  }
  return tags;
}

function readFlavor(env: InputSource): string[] {
  const lines = readLines(env, 'flavor');
  try {
    parseFlavor(lines);
  } catch (error) {
    if (error instanceof TagRuleError) throw new InputError('flavor', error.message, { cause: error });
    throw error;
  }
  return lines;
}

function readPath(env: InputSource, name: string, base: string): string | undefined {
  const value = readString(env, name);
  return value === undefined ? undefined : path.resolve(base, value);
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

function goDuration(env: InputSource): string | undefined {
  const value = readString(env, 'cache-ttl');
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new InputError('cache-ttl', `expected a duration such as 6h or 14d, got '${value}'`);
  return `${Math.round(ms / 1000)}s`;
}

/** Reads and checks every input before anything is built; relative paths are resolved against `cwd`. */
export function readInputs(env: InputSource, cwd: string = process.cwd()): BuildPushInputs {
  const context = readPath(env, 'context', cwd) ?? cwd;
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new InputError('context', `${context} is not a directory`);
  }
  const file = readPath(env, 'file', cwd) ?? path.join(context, 'Dockerfile');
  if (!existsSync(file) || !statSync(file).isFile())
    throw new InputError('file', `the Dockerfile ${file} does not exist`);

  const platform = readString(env, 'platform');
  if (platform !== undefined && !PLATFORM.test(platform)) {
    throw new InputError(
      'platform',
      `expected one platform such as linux/amd64 or linux/arm64/v8, got '${platform}'`,
    );
  }
  const registryMirrors = readLines(env, 'registry-mirrors').map((line) => {
    const mirror = parseRegistryMirror(line);
    if (!mirror)
      throw new InputError(
        'registry-mirrors',
        `expected registry=mirror (docker.io=harbor.lab/docker-hub), got '${line}'`,
      );
    return mirror;
  });
  const caFile = readPath(env, 'ca-file', cwd);
  if (caFile !== undefined && !existsSync(caFile))
    throw new InputError('ca-file', `${caFile} does not exist`);
  const cache = readBoolean(env, 'cache', false);
  const cacheRepo = readCacheRepo(env, cache);
  const cacheTtl = goDuration(env);
  if (cacheTtl !== undefined && !cache)
    throw new InputError('cache-ttl', "is set but 'cache' is false: set cache: true to use it");

  const inputs: BuildPushInputs = {
    context,
    file,
    images: readImages(env),
    tags: readTags(env),
    flavor: readFlavor(env),
    labels: readMap(env, 'labels'),
    annotations: readMap(env, 'annotations'),
    buildArgs: readMap(env, 'build-args'),
    push: readBoolean(env, 'push', true),
    cache,
    reproducible: readBoolean(env, 'reproducible', false),
    registryMirrors,
    insecureRegistries: readList(env, 'insecure-registries'),
    builder: readEnum(env, 'builder', ['kaniko', 'buildah'] as const, 'kaniko'),
    storageDriver: readEnum(env, 'storage-driver', ['vfs', 'overlay'] as const, 'vfs'),
    extraArgs: readLines(env, 'extra-args').flatMap((line) => line.split(/\s+/)),
  };
  const optional = {
    target: readString(env, 'target'),
    platform,
    cacheRepo,
    cacheTtl,
    caFile,
    executor: readString(env, 'executor'),
    defaultBranch: readString(env, 'default-branch'),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) Object.assign(inputs, { [key]: value });
  return inputs;
}
