import { existsSync } from 'node:fs';
import {
  InputError,
  readBoolean,
  readRequired,
  readString,
  type InputSource,
} from '@sovereign-ci/action-kit';
import { normalizeRegistry } from '@sovereign-ci/oci';

export interface LoginInputs {
  registry: string;
  username: string;
  password: string;
  logout: boolean;
  caFile?: string;
  insecure: boolean;
}

const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

/** `https://harbor.lab/` and `harbor.lab` both mean `harbor.lab`; docker.io aliases mean `docker.io`. */
function readRegistry(env: InputSource): string {
  const raw = readRequired(env, 'registry');
  const host = raw.replace(/^https?:\/\//i, '').replace(/\/(v[12]\/?)?$/, '');
  if (!HOST.test(host)) {
    throw new InputError(
      'registry',
      `expected a registry host such as harbor.lab or forgejo.lab:3000, got '${raw}'`,
    );
  }
  return normalizeRegistry(host.toLowerCase());
}

export function readInputs(env: InputSource): LoginInputs {
  const registry = readRegistry(env);
  const username = readRequired(env, 'username');
  const password = readRequired(env, 'password', { secret: true, keepWhitespace: true });
  const caFile = readString(env, 'ca-file');
  if (caFile !== undefined && !existsSync(caFile))
    throw new InputError('ca-file', `file not found: ${caFile}`);
  return {
    registry,
    username,
    password,
    logout: readBoolean(env, 'logout', true),
    ...(caFile ? { caFile } : {}),
    insecure: readBoolean(env, 'insecure', false),
  };
}
