import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Debian package that provides each tool the tests use. */
const PACKAGES: Record<string, string> = {
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  buildah: 'buildah',
  umoci: 'umoci',
  busybox: 'busybox-static',
  openssl: 'openssl',
  htpasswd: 'apache2-utils',
  curl: 'curl',
  sha256sum: 'coreutils',
  tar: 'tar',
  gzip: 'gzip',
  git: 'git',
};

const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

const cache = new Map<string, string>();

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `name` found on PATH (then the sbin dirs), or undefined. */
export function findTool(name: string): string | undefined {
  const cached = cache.get(name);
  if (cached) return cached;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) {
      cache.set(name, candidate);
      return candidate;
    }
  }
  return undefined;
}

/** The Debian package to install for `name`. */
export function packageFor(name: string): string {
  return PACKAGES[name] ?? name;
}

/**
 * Absolute path of a tool a test needs. Integration tests never skip: a missing tool is an
 * error that says how to install it.
 */
export function requireTool(name: string): string {
  const found = findTool(name);
  if (found) return found;
  throw new Error(
    `${name} is required for this test: install it with apt-get install -y ${packageFor(name)} ` +
      `(looked on PATH and in ${EXTRA_DIRS.join(', ')})`,
  );
}
