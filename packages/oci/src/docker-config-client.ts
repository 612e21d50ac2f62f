import type { Logger } from '@sovereign-ci/action-kit';
import { RegistryClient } from './client';
import { dockerConfigCredentials, dockerConfigPath, type CredentialProvider } from './credentials';

export interface DockerConfigClientOptions {
  caFile?: string;
  insecureRegistries?: string[];
  logger?: Logger;
  /** Called with every secret read from the docker config, so a runner can mask it before anything logs. */
  maskSecret?: (value: string) => void;
}

/**
 * The client every action uses: credentials from the docker config `login` wrote
 * (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), each secret masked as it is read.
 */
export function dockerConfigClient(
  env: Readonly<Record<string, string | undefined>>,
  options: DockerConfigClientOptions = {},
): RegistryClient {
  return new RegistryClient({
    credentials: maskedDockerConfigCredentials(env, options.maskSecret),
    caFile: options.caFile,
    insecureRegistries: options.insecureRegistries,
    logger: options.logger,
  });
}

/** Docker-config credentials whose secrets go through `maskSecret` before anyone else sees them. */
export function maskedDockerConfigCredentials(
  env: Readonly<Record<string, string | undefined>>,
  maskSecret?: (value: string) => void,
): CredentialProvider {
  const fromConfig = dockerConfigCredentials(dockerConfigPath(env), { env });
  return {
    async get(registry) {
      const credential = await fromConfig.get(registry);
      if (credential && maskSecret) {
        for (const secret of [credential.password, credential.identityToken, credential.registryToken]) {
          if (secret) maskSecret(secret);
        }
      }
      return credential;
    },
  };
}
