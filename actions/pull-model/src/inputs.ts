import path from 'node:path';
import {
  InputError,
  readInt,
  readRegistryTrust,
  readRequired,
  readString,
  type InputSource,
} from '@sovereign-ci/action-kit';
import { parseReference, type ImageReference } from '@sovereign-ci/oci';

export interface PullInputs {
  reference: ImageReference;
  path: string;
  concurrency: number;
  caFile?: string;
  insecureRegistries: string[];
}

export function readInputs(env: InputSource, workspace = process.cwd()): PullInputs {
  const raw = readRequired(env, 'reference');
  let reference: ImageReference;
  try {
    reference = parseReference(raw);
  } catch (error) {
    throw new InputError(
      'reference',
      `expected registry/repository:tag or @digest, got '${raw}': ${(error as Error).message}`,
    );
  }
  return {
    reference,
    path: path.resolve(workspace, readString(env, 'path') ?? 'model'),
    concurrency: readInt(env, 'concurrency', { default: 4, min: 1, max: 32 }),
    ...readRegistryTrust(env),
  };
}
