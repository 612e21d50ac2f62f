import path from 'node:path';
import {
  InputError,
  readBoolean,
  readEnum,
  readInt,
  readLines,
  readRequired,
  readString,
  type InputSource,
  readRegistryTrust,
} from '@sovereign-ci/action-kit';
import { parsePlatform, parseReference, type ImageReference } from '@sovereign-ci/oci';

export interface BreakglassInputs {
  image: ImageReference;
  platform: string;
  destinations: string[];
  name: string;
  keep: number;
  compression: 'none' | 'gzip';
  verify: boolean;
  caFile?: string;
  insecureRegistries: string[];
}

/** A file name prefix: no `/`, no leading `.` (so never `..`), short enough for `<name>-<12 hex>.tar.gz.sha256` and its temp name. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function readImage(env: InputSource): ImageReference {
  const raw = readRequired(env, 'image');
  try {
    return parseReference(raw);
  } catch (error) {
    throw new InputError('image', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function readPlatform(env: InputSource): string {
  const platform = readString(env, 'platform') ?? 'linux/amd64';
  try {
    parsePlatform(platform);
  } catch {
    throw new InputError('platform', `expected os/arch[/variant] such as linux/amd64, got '${platform}'`);
  }
  return platform;
}

function readDestinations(env: InputSource, cwd: string): string[] {
  const destinations = readLines(env, 'destinations').map((d) => path.resolve(cwd, d));
  if (destinations.length === 0) throw new InputError('destinations', 'needs at least one directory');
  // `/a` and `/a/` (or `a` and `./a`) are one directory: written once, in the order first given.
  return [...new Set(destinations)];
}

/** Reads and checks every input up front. Relative destinations are taken from `cwd` (the workspace). */
export function readInputs(env: InputSource, cwd: string = process.cwd()): BreakglassInputs {
  const image = readImage(env);
  const name = readString(env, 'name') ?? image.repository.split('/').pop() ?? image.repository;
  if (!NAME.test(name)) {
    throw new InputError(
      'name',
      `expected up to 128 letters, digits, '.', '_' or '-' (a file name prefix), got '${name}'`,
    );
  }
  return {
    image,
    platform: readPlatform(env),
    destinations: readDestinations(env, cwd),
    name,
    keep: readInt(env, 'keep', { default: 5, min: 1 }),
    compression: readEnum(env, 'compression', ['none', 'gzip'] as const, 'none'),
    verify: readBoolean(env, 'verify', true),
    ...readRegistryTrust(env),
  };
}
