import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  InputError,
  readBoolean,
  readDuration,
  readEnum,
  readInt,
  readList,
  readString,
  type InputSource,
} from '@sovereign-ci/action-kit';
import { parseReference, type ImageReference } from '@sovereign-ci/oci';
import {
  DEFAULT_SEVERITIES,
  parseSeverityList,
  PKG_TYPES,
  type PkgType,
  type Severity,
  versionFromUrl,
} from '@sovereign-ci/trivy';

export const SOURCES = ['trivy', 'report', 'harbor'] as const;
export type Source = (typeof SOURCES)[number];

export interface TrivyGateInputs {
  source: Source;
  image?: { input: string; ref: ImageReference };
  report?: string;
  trivyUrl?: string;
  trivySha256?: string;
  trivyVersion?: string;
  dbRepository?: string;
  javaDbRepository?: string;
  skipDbUpdate: boolean;
  cache: boolean;
  severities: Severity[];
  ignoreUnfixed: boolean;
  pkgTypes: PkgType[];
  ignoreFile?: string;
  maxFindings: number;
  /** Where to write SARIF; `true` means a file in the runner's temp dir. */
  sarif?: string | true;
  harborUrl?: string;
  harborWaitMs: number;
  caFile?: string;
  insecureRegistries: string[];
  /** Fail the step on a failing verdict (else only `passed=false`). */
  fail: boolean;
}

function readImage(env: InputSource, required: boolean): TrivyGateInputs['image'] {
  const input = readString(env, 'image');
  if (input === undefined) {
    if (required) throw new InputError('image', 'is required with this source');
    return undefined;
  }
  // No reference holds whitespace or a comma: such a value is a list, which this action does not take.
  const items = input.split(/[\s,]+/).filter((item) => item !== '' && item !== '-');
  if (items.length > 1) {
    throw new InputError(
      'image',
      `one image per step, got ${items.length} (${items.join(', ')}); use one step or matrix entry per image`,
    );
  }
  try {
    return { input, ref: parseReference(input) };
  } catch (error) {
    throw new InputError('image', (error as Error).message, { cause: error });
  }
}

function readExistingFile(env: InputSource, name: string): string | undefined {
  const file = readString(env, name);
  if (file !== undefined && !existsSync(file)) throw new InputError(name, `file not found: ${file}`);
  return file;
}

function readSeverities(env: InputSource): Severity[] {
  const list = readList(env, 'severity');
  if (list.length === 0) return [...DEFAULT_SEVERITIES];
  try {
    return parseSeverityList(list);
  } catch (error) {
    throw new InputError('severity', (error as Error).message);
  }
}

function readPkgTypes(env: InputSource): PkgType[] {
  const list = readList(env, 'pkg-types').map((t) => t.toLowerCase());
  for (const type of list) {
    if (!(PKG_TYPES as readonly string[]).includes(type)) {
      throw new InputError('pkg-types', `expected some of ${PKG_TYPES.join(', ')}, got '${type}'`);
    }
  }
  return [...new Set(list)] as PkgType[];
}

function readSarif(env: InputSource): string | true | undefined {
  const value = readString(env, 'sarif');
  if (value === undefined || value === 'false') return undefined;
  if (value === 'true') return true;
  if (!existsSync(path.dirname(path.resolve(value))))
    throw new InputError('sarif', `directory not found for ${value}`);
  return value;
}

function readUrl(env: InputSource, name: string): string | undefined {
  const value = readString(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `expected an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(name, `expected an http(s) URL, got '${value}'`);
  if (url.username || url.password)
    throw new InputError(name, 'must not carry credentials (they come from the docker config)');
  return value;
}

/** Inputs only one source reads (none has a default, so a value given to another source is a mistake). */
const SOURCE_ONLY: Record<string, Source> = {
  report: 'report',
  'trivy-url': 'trivy',
  'trivy-sha256': 'trivy',
  'trivy-version': 'trivy',
  'db-repository': 'trivy',
  'java-db-repository': 'trivy',
  'harbor-url': 'harbor',
};

function refuseOtherSources(env: InputSource, source: Source): void {
  for (const [name, owner] of Object.entries(SOURCE_ONLY)) {
    if (owner !== source && readString(env, name) !== undefined)
      throw new InputError(name, `is read only with source '${owner}' (source is '${source}')`);
  }
}

export function readInputs(env: InputSource): TrivyGateInputs {
  const source = readEnum(env, 'source', SOURCES, 'trivy');
  refuseOtherSources(env, source);
  const image = readImage(env, source !== 'report');
  const report = readExistingFile(env, 'report');
  if (source === 'report' && report === undefined)
    throw new InputError('report', "is required with source 'report'");
  const trivyUrl = readUrl(env, 'trivy-url');
  const trivySha256 = readString(env, 'trivy-sha256')
    ?.toLowerCase()
    .replace(/^sha256:/, '');
  if (trivyUrl && trivySha256 === undefined)
    throw new InputError('trivy-sha256', 'is required with trivy-url');
  if (!trivyUrl && trivySha256 !== undefined)
    throw new InputError('trivy-sha256', 'applies only with trivy-url (without it, trivy comes from PATH)');
  if (trivySha256 !== undefined && !/^[0-9a-f]{64}$/.test(trivySha256)) {
    throw new InputError('trivy-sha256', 'expected 64 hex digits (the sha256 of the tarball)');
  }
  const insecureRegistries = readList(env, 'insecure-registries');
  let harborUrl = readUrl(env, 'harbor-url');
  if (source === 'harbor' && harborUrl === undefined && image) {
    const registry = image.ref.registry;
    harborUrl = `${insecureRegistries.includes(registry) ? 'http' : 'https'}://${registry}`;
  }
  const caFile = readExistingFile(env, 'ca-file');
  const ignoreFile = readExistingFile(env, 'ignore-file');
  const sarif = readSarif(env);
  const trivyVersion = readString(env, 'trivy-version')?.replace(/^v/, '');
  if (!trivyUrl && trivyVersion !== undefined)
    throw new InputError(
      'trivy-version',
      'applies only with trivy-url (it names the version of that tarball)',
    );
  if (trivyUrl && trivyVersion === undefined && versionFromUrl(trivyUrl) === undefined)
    throw new InputError('trivy-version', `is required: the file name of trivy-url carries no version`);
  const dbRepository = readString(env, 'db-repository');
  const javaDbRepository = readString(env, 'java-db-repository');
  return {
    source,
    ...(image ? { image } : {}),
    ...(report !== undefined ? { report } : {}),
    ...(trivyUrl !== undefined ? { trivyUrl } : {}),
    ...(trivySha256 !== undefined ? { trivySha256 } : {}),
    ...(trivyVersion !== undefined ? { trivyVersion } : {}),
    ...(dbRepository !== undefined ? { dbRepository } : {}),
    ...(javaDbRepository !== undefined ? { javaDbRepository } : {}),
    skipDbUpdate: readBoolean(env, 'skip-db-update', false),
    cache: readBoolean(env, 'cache', true),
    severities: readSeverities(env),
    ignoreUnfixed: readBoolean(env, 'ignore-unfixed', false),
    pkgTypes: readPkgTypes(env),
    ...(ignoreFile !== undefined ? { ignoreFile } : {}),
    maxFindings: readInt(env, 'max-findings', { default: 0, min: 0 }),
    ...(sarif !== undefined ? { sarif } : {}),
    ...(harborUrl !== undefined ? { harborUrl } : {}),
    harborWaitMs: readDuration(env, 'harbor-wait', 5 * 60_000),
    ...(caFile !== undefined ? { caFile } : {}),
    insecureRegistries,
    fail: readBoolean(env, 'fail', true),
  };
}
