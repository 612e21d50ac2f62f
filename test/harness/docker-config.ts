import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestRegistry } from './registry';
import { tempDir } from './temp';

export interface TestDockerConfig {
  /** The DOCKER_CONFIG directory. */
  dir: string;
  /** `${dir}/config.json` */
  configPath: string;
  cleanup(): Promise<void>;
}

/** The `auths` object of a Docker config.json for the registries that have credentials. */
export function dockerAuths(registries: TestRegistry[]): Record<string, { auth: string }> {
  const auths: Record<string, { auth: string }> = {};
  for (const reg of registries) {
    if (reg.username === undefined || reg.password === undefined) continue;
    auths[reg.host] = { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') };
  }
  return auths;
}

/** A temp DOCKER_CONFIG dir whose config.json has `auths` for each registry with credentials. */
export async function writeTestDockerConfig(registries: TestRegistry[]): Promise<TestDockerConfig> {
  const tmp = await tempDir('docker-config');
  const configPath = path.join(tmp.path, 'config.json');
  await writeFile(configPath, `${JSON.stringify({ auths: dockerAuths(registries) }, null, 2)}\n`, {
    mode: 0o600,
  });
  return { dir: tmp.path, configPath, cleanup: tmp.cleanup };
}
