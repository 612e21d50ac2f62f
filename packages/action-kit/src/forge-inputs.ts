import { InputError } from './errors';
import { readRequired, readString, type InputSource } from './inputs';
import { maskSecret } from './secrets';

/** A registry host (`harbor.lab`, `127.0.0.1:5000`): no path, tag or digest. */
export function readRegistryHost(env: InputSource, name = 'registry'): string {
  const registry = readRequired(env, name);
  if (/[/@\s]/.test(registry)) {
    throw new InputError(name, `expected a registry host such as harbor.lab, got '${registry}'`);
  }
  return registry;
}

/** The forge's base URL: the input, else the job's server URL (FORGEJO_SERVER_URL / GITHUB_SERVER_URL). */
export function readServerUrl(env: InputSource, name: string): string | undefined {
  const url = readString(env, name) ?? (env.FORGEJO_SERVER_URL || env.GITHUB_SERVER_URL || undefined);
  if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) {
    throw new InputError(name, `expected an http(s) URL such as https://git.example.org, got '${url}'`);
  }
  return url;
}

/** A token input, masked; falls back to the job token (FORGEJO_TOKEN / GITHUB_TOKEN), masked too. */
export function readToken(env: InputSource, name = 'token'): string | undefined {
  const fromInput = readString(env, name, { secret: true });
  if (fromInput !== undefined) return fromInput;
  const jobToken = env.FORGEJO_TOKEN || env.GITHUB_TOKEN || undefined;
  if (jobToken) maskSecret(jobToken);
  return jobToken;
}
