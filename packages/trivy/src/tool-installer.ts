import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '@sovereign-ci/action-kit';

/** The parts of @actions/tool-cache the installer uses (injected: the library reads the runner's env). */
export interface ToolCache {
  /** The cached tool directory, or '' when absent. */
  find(tool: string, version: string): string;
  downloadTool(url: string): Promise<string>;
  extractTar(file: string): Promise<string>;
  cacheDir(dir: string, tool: string, version: string): Promise<string>;
}

export interface InstallTrivyOptions {
  url: string;
  /** Hex sha256 of the tarball at `url`; mandatory. */
  sha256: string;
  /** Version to cache under; else taken from the file name (`trivy_0.58.1_Linux-64bit.tar.gz`). */
  version?: string;
  toolCache: ToolCache;
  logger: Logger;
}

export interface InstalledTrivy {
  path: string;
  version: string;
  cached: boolean;
}

/** Which given value the install refused: the sha256 (bad or not the tarball's), the version, the tarball. */
export type InstallErrorReason = 'sha256' | 'version' | 'tarball';

export class InstallError extends Error {
  constructor(
    message: string,
    readonly reason: InstallErrorReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InstallError';
  }
}

const MARKER = '.sovereign-ci-sha256';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function versionFromUrl(url: string): string | undefined {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)/.exec(name)?.[1];
}

async function findBinary(dir: string, depth = 0): Promise<string | undefined> {
  const direct = path.join(dir, 'trivy');
  if (existsSync(direct)) return direct;
  if (depth > 1) return undefined;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const found = await findBinary(path.join(dir, entry.name), depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Installs Trivy from a tarball at `url` (an internal mirror), refusing it unless its sha256 is the expected
 * one, and caches it with the tool cache; a cached copy installed from the same sha256 is reused.
 */
export async function installTrivy(options: InstallTrivyOptions): Promise<InstalledTrivy> {
  const expected = options.sha256
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(expected))
    throw new InstallError('the Trivy sha256 must be 64 hex digits', 'sha256');
  const version = options.version ?? versionFromUrl(options.url);
  if (!version)
    throw new InstallError(
      `cannot tell the Trivy version from ${options.url}; give it explicitly`,
      'version',
    );
  const cachedDir = options.toolCache.find('trivy', version);
  if (cachedDir) {
    const marker = await readFile(path.join(cachedDir, MARKER), 'utf8').catch(() => '');
    const binary = await findBinary(cachedDir);
    if (marker.trim() === expected && binary) {
      options.logger.info(`trivy ${version}: using the cached copy`);
      return { path: binary, version, cached: true };
    }
    options.logger.info(
      `trivy ${version}: the cached copy was not installed from sha256 ${expected}; reinstalling`,
    );
  }
  options.logger.info(
    `trivy ${version}: downloading ${new URL(options.url).origin}${new URL(options.url).pathname}`,
  );
  const tarball = await options.toolCache.downloadTool(options.url);
  try {
    const actual = await sha256File(tarball);
    if (actual !== expected) {
      throw new InstallError(`refusing the Trivy download: sha256 ${actual}, expected ${expected}`, 'sha256');
    }
    const extracted = await options.toolCache.extractTar(tarball);
    const binary = await findBinary(extracted);
    if (!binary) throw new InstallError('the Trivy tarball has no trivy executable', 'tarball');
    await chmod(binary, 0o755);
    await writeFile(path.join(path.dirname(binary), MARKER), `${expected}\n`);
    const cached = await options.toolCache.cacheDir(path.dirname(binary), 'trivy', version);
    return { path: path.join(cached, 'trivy'), version, cached: false };
  } finally {
    await rm(tarball, { force: true });
  }
}
