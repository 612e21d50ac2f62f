import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { dockerConfigKey, normalizeConfigKey } from './credentials';
import { normalizeRegistry } from './reference';

type ConfigJson = Record<string, unknown> & { auths?: Record<string, unknown> };

/** A credential helper that docker (and `dockerConfigCredentials`) asks before `auths`. */
export interface ShadowingHelper {
  setting: 'credHelpers' | 'credsStore';
  helper: string;
}

/**
 * Sets `auths[<registry>]` to base64(user:password), keeping every other entry and setting.
 * Written atomically (temp file + rename) with mode 0600. Returns the entry it replaced, and
 * `shadowedBy` when a `credHelpers` entry for the registry or a `credsStore` is asked first, so
 * the entry written may never be read.
 */
export async function writeDockerConfigEntry(
  configPath: string,
  registry: string,
  cred: { username: string; password: string },
): Promise<{ previous?: unknown; shadowedBy?: ShadowingHelper }> {
  const config = await readJson(configPath);
  const key = dockerConfigKey(registry);
  const auths = { ...(config.auths ?? {}) };
  const previous = auths[key];
  auths[key] = { auth: Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64') };
  await writeAtomic(configPath, { ...config, auths });
  const shadowedBy = shadowingHelper(config, registry);
  return { ...(previous === undefined ? {} : { previous }), ...(shadowedBy ? { shadowedBy } : {}) };
}

function shadowingHelper(config: ConfigJson, registry: string): ShadowingHelper | undefined {
  const wanted = normalizeRegistry(registry);
  const helpers = config.credHelpers;
  if (helpers && typeof helpers === 'object') {
    for (const [host, helper] of Object.entries(helpers as Record<string, unknown>)) {
      if (typeof helper === 'string' && helper && normalizeConfigKey(host) === wanted) {
        return { setting: 'credHelpers', helper };
      }
    }
  }
  const store = config.credsStore;
  return typeof store === 'string' && store ? { setting: 'credsStore', helper: store } : undefined;
}

/** Puts back what `writeDockerConfigEntry` replaced, or removes the entry when there was none. */
export async function restoreDockerConfigEntry(
  configPath: string,
  registry: string,
  previous?: unknown,
): Promise<void> {
  const config = await readJson(configPath);
  const key = dockerConfigKey(registry);
  const auths = { ...(config.auths ?? {}) };
  if (previous === undefined) {
    if (!(key in auths)) return;
    delete auths[key];
  } else {
    auths[key] = previous;
  }
  await writeAtomic(configPath, { ...config, auths });
}

async function readJson(configPath: string): Promise<ConfigJson> {
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as ConfigJson;
  } catch {
    // fall through
  }
  throw new Error(`docker config ${configPath} is not a JSON object; refusing to overwrite it`);
}

async function writeAtomic(configPath: string, config: ConfigJson): Promise<void> {
  const dir = path.dirname(configPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(
    dir,
    `.${path.basename(configPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(config, null, '\t')}\n`, 'utf8');
    await handle.chmod(0o600);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, configPath);
}
