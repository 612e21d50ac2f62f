import { maskSecret, type ActionContext } from '@sovereign-ci/action-kit';
import {
  dockerConfigPath,
  RegistryClient,
  restoreDockerConfigEntry,
  staticCredentials,
  writeDockerConfigEntry,
} from '@sovereign-ci/oci';
import { readInputs } from './inputs';

const STATE = 'login';

interface LoginState {
  configPath: string;
  registry: string;
  previous?: unknown;
}

export async function run(ctx: ActionContext): Promise<void> {
  const inputs = readInputs(ctx.env);
  const client = new RegistryClient({
    credentials: staticCredentials(inputs.registry, { username: inputs.username, password: inputs.password }),
    ...(inputs.caFile ? { caFile: inputs.caFile } : {}),
    insecureRegistries: inputs.insecure ? [inputs.registry] : [],
    logger: ctx.logger,
  });
  let authenticated: boolean;
  try {
    ({ authenticated } = await client.handshake(inputs.registry));
  } finally {
    await client.close();
  }
  if (!authenticated)
    ctx.logger.warning(`${inputs.registry} did not ask for credentials; they could not be checked`);

  const configPath = dockerConfigPath(ctx.env);
  const { previous, shadowedBy } = await writeDockerConfigEntry(configPath, inputs.registry, inputs);
  ctx.logger.info(
    `logged in to ${inputs.registry} as ${inputs.username}; credentials written to ${configPath}`,
  );
  if (shadowedBy) {
    const { setting, helper } = shadowedBy;
    ctx.logger.warning(
      `${configPath} has ${setting} '${helper}': docker and the later steps ask docker-credential-${helper} ` +
        `for ${inputs.registry} before the entry this login wrote under auths, so ` +
        (setting === 'credHelpers'
          ? 'that entry will be ignored. '
          : "docker ignores that entry, and this suite's steps use it only when the helper has none. ") +
        `Point DOCKER_CONFIG at a config of this job's own, or remove the ${setting} setting.`,
    );
  }
  ctx.outputs.set('config-path', configPath);
  if (inputs.logout) {
    maskStrings(previous);
    const state: LoginState = {
      configPath,
      registry: inputs.registry,
      ...(previous === undefined ? {} : { previous }),
    };
    ctx.state.save(STATE, JSON.stringify(state));
  }
}

export async function post(ctx: ActionContext): Promise<void> {
  const raw = ctx.state.get(STATE);
  if (!raw) return;
  const state = JSON.parse(raw) as LoginState;
  maskStrings(state.previous);
  await restoreDockerConfigEntry(state.configPath, state.registry, state.previous);
  ctx.logger.info(
    state.previous === undefined
      ? `logged out of ${state.registry}: removed its entry from ${state.configPath}`
      : `logged out of ${state.registry}: restored its previous entry in ${state.configPath}`,
  );
}

/** A replaced docker config entry holds credentials: mask every string in it. */
function maskStrings(value: unknown): void {
  if (typeof value === 'string' && value.length > 3) maskSecret(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) maskStrings(v);
}
