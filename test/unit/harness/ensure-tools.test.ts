import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/fixtures';

interface Machine {
  dir: string;
  run(env: Record<string, string>): { status: number | null; stderr: string; apt: string[] };
}

/**
 * A copy of scripts/ensure-tools.sh in a scratch repository whose tool list names one tool no
 * machine has, with `id`, `sudo`, `apt-get` and `ldd` replaced by stubs on PATH.
 */
function machine(stubs: { uid: number; sudo: boolean; dynamicBusybox: boolean }): Machine {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ensure-tools-'));
  const bin = path.join(dir, 'bin');
  const repo = path.join(dir, 'repo');
  for (const sub of [bin, path.join(repo, 'scripts'), path.join(repo, 'node_modules')]) {
    mkdirSync(sub, { recursive: true });
  }
  const script = readFileSync(path.join(repoRoot, 'scripts', 'ensure-tools.sh'), 'utf8');
  expect(script).toContain('"umoci:umoci"');
  writeFileSync(
    path.join(repo, 'scripts', 'ensure-tools.sh'),
    script.replace('"umoci:umoci"', '"no-such-tool-xyz:no-such-package-xyz"'),
  );
  const aptLog = path.join(dir, 'apt.log');
  const stub = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  stub('id', `echo ${stubs.uid}`);
  stub('sudo', stubs.sudo ? 'if [ "$1" = -n ]; then shift; fi; exec "$@"' : 'exit 1');
  stub('apt-get', `echo "$* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> '${aptLog}'`);
  stub('ldd', stubs.dynamicBusybox ? 'exit 0' : 'echo "not a dynamic executable"; exit 1');
  // node_modules newer than the lock file: no npm ci.
  writeFileSync(path.join(repo, 'package-lock.json'), '{}');
  utimesSync(path.join(repo, 'package-lock.json'), new Date(2000, 0, 1), new Date(2000, 0, 1));
  writeFileSync(path.join(repo, 'node_modules', '.package-lock.json'), '{}');
  return {
    dir,
    run(env) {
      writeFileSync(aptLog, '');
      const result = spawnSync('bash', [path.join(repo, 'scripts', 'ensure-tools.sh')], {
        encoding: 'utf8',
        env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ''}` },
        timeout: 30_000,
      });
      const apt = readFileSync(aptLog, 'utf8').split('\n').filter(Boolean);
      return { status: result.status, stderr: result.stderr, apt };
    },
  };
}

describe('scripts/ensure-tools.sh', () => {
  const made: Machine[] = [];
  const make = (stubs: Parameters<typeof machine>[0]) => {
    const m = machine(stubs);
    made.push(m);
    return m;
  };
  afterEach(() => {
    for (const m of made.splice(0)) rmSync(m.dir, { recursive: true, force: true });
  });

  describe('when root and a package is missing', () => {
    it('runs apt-get update, then installs it (and busybox-static over a dynamic busybox)', () => {
      const result = make({ uid: 0, sudo: false, dynamicBusybox: true }).run({ CI: 'true' });
      expect({ status: result.status, apt: result.apt }).toEqual({
        status: 0,
        apt: [
          'update -qq DEBIAN_FRONTEND=noninteractive',
          'install -y -qq no-such-package-xyz busybox-static DEBIAN_FRONTEND=noninteractive',
        ],
      });
    });
  });

  describe('when not root but sudo works without a password', () => {
    it('installs through sudo', () => {
      const result = make({ uid: 1000, sudo: true, dynamicBusybox: false }).run({ CI: 'true' });
      expect({ status: result.status, apt: result.apt }).toEqual({
        status: 0,
        apt: [
          'update -qq DEBIAN_FRONTEND=noninteractive',
          'install -y -qq no-such-package-xyz DEBIAN_FRONTEND=noninteractive',
        ],
      });
    });
  });

  describe('when it cannot install', () => {
    it.each([
      ['false', 0],
      ['true', 1],
    ])('with CI=%s it says what to install and exits %d', (ci, status) => {
      const result = make({ uid: 1000, sudo: false, dynamicBusybox: false }).run({ CI: ci });
      expect({ status: result.status, apt: result.apt, stderr: result.stderr }).toEqual({
        status,
        apt: [],
        stderr:
          'ensure-tools: missing Debian packages: no-such-package-xyz\n' +
          'ensure-tools: install them with: sudo apt-get install -y no-such-package-xyz\n',
      });
    });
  });
});
