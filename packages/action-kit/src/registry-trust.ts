import { existsSync } from 'node:fs';
import { InputError } from './errors';
import { readList, readString, type InputSource } from './inputs';

/** How an action reaches registries: a private CA and the registries allowed over plain HTTP. */
export interface RegistryTrust {
  caFile?: string;
  insecureRegistries: string[];
}

/** Reads `ca-file` (which must exist) and `insecure-registries` (an explicit list; no blanket skip-verify). */
export function readRegistryTrust(env: InputSource): RegistryTrust {
  const caFile = readString(env, 'ca-file');
  if (caFile !== undefined && !existsSync(caFile))
    throw new InputError('ca-file', `${caFile} does not exist`);
  const insecureRegistries = readList(env, 'insecure-registries');
  for (const registry of insecureRegistries) {
    if (/[/@\s]/.test(registry)) {
      throw new InputError(
        'insecure-registries',
        `expected registry hosts such as harbor.lab:5000, got '${registry}'`,
      );
    }
  }
  return caFile === undefined ? { insecureRegistries } : { caFile, insecureRegistries };
}
