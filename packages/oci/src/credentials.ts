import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { runCredentialHelper } from './credential-helper';
import { DOCKER_HUB, normalizeRegistry } from './reference';

export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker config `identitytoken`). */
  identityToken?: string;
  /** A bearer token sent as is (docker config `registrytoken`). */
  registryToken?: string;
}

export interface CredentialProvider {
  get(registry: string): Promise<Credential | undefined>;
}

/** `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`. */
export function dockerConfigPath(env: Record<string, string | undefined>): string {
  if (env.DOCKER_CONFIG) return path.join(env.DOCKER_CONFIG, 'config.json');
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  return path.join(home, '.docker', 'config.json');
}

/** The key docker writes for a registry in `auths` (docker.io keeps its legacy URL). */
export function dockerConfigKey(registry: string): string {
  return normalizeRegistry(registry) === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

/** `https://harbor.lab/v2/` -> `harbor.lab`; docker.io aliases -> `docker.io`. */
export function normalizeConfigKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return normalizeRegistry(host);
}

interface DockerConfigFile {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }
  >;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface DockerConfigCredentialOptions {
  /** Environment for `docker-credential-*` helpers (PATH decides which helper runs). */
  env?: Record<string, string | undefined>;
}

/** Credentials from a docker config file: credHelpers, then credsStore, then `auths`. Read on each call. */
export function dockerConfigCredentials(
  configPath: string,
  options: DockerConfigCredentialOptions = {},
): CredentialProvider {
  return {
    async get(registry) {
      const config = await readConfig(configPath);
      if (!config) return undefined;
      const wanted = normalizeRegistry(registry);
      const helper = findByHost(config.credHelpers, wanted);
      if (helper) return runCredentialHelper(helper, dockerConfigKey(wanted), options.env);
      if (config.credsStore) {
        const fromStore = await runCredentialHelper(config.credsStore, dockerConfigKey(wanted), options.env);
        if (fromStore) return fromStore;
      }
      const entry = findByHost(config.auths, wanted);
      return entry ? fromAuthEntry(entry, configPath, registry) : undefined;
    },
  };
}

/** A provider holding one credential for one registry (the login action's handshake). */
export function staticCredentials(registry: string, credential: Credential): CredentialProvider {
  const wanted = normalizeRegistry(registry);
  return { get: async (r) => (normalizeRegistry(r) === wanted ? credential : undefined) };
}

async function readConfig(configPath: string): Promise<DockerConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch {
    throw new Error(`docker config ${configPath} is not valid JSON`);
  }
}

function findByHost<T>(map: Record<string, T> | undefined, registry: string): T | undefined {
  if (!map) return undefined;
  if (map[registry] !== undefined) return map[registry];
  for (const [key, value] of Object.entries(map)) if (normalizeConfigKey(key) === registry) return value;
  return undefined;
}

function fromAuthEntry(
  entry: NonNullable<DockerConfigFile['auths']>[string],
  configPath: string,
  registry: string,
): Credential | undefined {
  const cred: Credential = {};
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw new Error(
        `docker config ${configPath}: the 'auth' entry for ${registry} is not base64(user:password)`,
      );
    cred.username = decoded.slice(0, colon);
    cred.password = decoded.slice(colon + 1);
  }
  if (entry.username !== undefined) cred.username = entry.username;
  if (entry.password !== undefined) cred.password = entry.password;
  if (entry.identitytoken) cred.identityToken = entry.identitytoken;
  if (entry.registrytoken) cred.registryToken = entry.registrytoken;
  return Object.keys(cred).length > 0 ? cred : undefined;
}
