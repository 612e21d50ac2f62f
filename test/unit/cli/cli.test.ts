import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, runCli } from '../../../cli/cli';
import type { CliIo } from '../../../cli/io';
import { repoRoot } from '../../harness/fixtures';

function fakeIo(root: string): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
    env: {},
    cwd: root,
    root,
  };
  return io;
}

describe('runCli', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cli-root-'));
    mkdirSync(path.join(root, 'actions'));
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'actions', 'echo'), path.join(root, 'actions', 'echo'), {
      recursive: true,
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has one entry per command in its dispatch table', () => {
    expect(Object.keys(commands).sort()).toEqual(['copy', 'generate-key-pair', 'list', 'run']);
  });

  describe('when the command line is wrong', () => {
    it.each([
      [['frobnicate'], 2, /unknown command "frobnicate"/],
      [['run', 'nope'], 2, /no action named "nope" in .*actions; available: echo/],
      [['run', 'echo'], 2, /missing required input\(s\) for echo: message/],
      [
        ['run', 'echo', '--with', 'message=x', '--with', 'mesage=y'],
        2,
        /unknown input\(s\) for echo: mesage/,
      ],
      [['copy', 'only-one'], 2, /copy needs SRC and DST/],
      [['list', '--bogus'], 2, /--bogus/],
      [['generate-key-pair'], 2, /set COSIGN_PASSWORD/],
    ])('%j exits %d with a clear message', async (argv, code, message) => {
      const io = fakeIo(root);
      expect(await runCli(argv, io)).toBe(code);
      expect(io.stderr).toMatch(message);
      expect(io.stdout).toBe('');
    });
  });

  describe('when listing', () => {
    it('prints each action with its description and inputs', async () => {
      const io = fakeIo(root);
      expect(await runCli(['list'], io)).toBe(0);
      expect(io.stdout.split('\n').slice(0, 3)).toEqual([
        'echo  Test fixture that writes its inputs to GITHUB_OUTPUT, saves state, and reads it back in post.',
        '  --with message=…  (required)  Any text; echoed to the `message` output.',
        '  --with dry-run=…  (default: "false")  Read as INPUT_DRY-RUN (hyphen kept).',
      ]);
    });

    it('prints JSON with --json', async () => {
      const io = fakeIo(root);
      expect(await runCli(['list', '--json'], io)).toBe(0);
      const [echo] = JSON.parse(io.stdout) as Array<{ name: string; inputs: Record<string, unknown> }>;
      expect(echo?.name).toBe('echo');
      expect(echo?.inputs.message).toEqual({
        description: 'Any text; echoed to the `message` output.',
        required: true,
      });
    });
  });

  it('prints usage for help <command>', async () => {
    const io = fakeIo(root);
    expect(await runCli(['help', 'run'], io)).toBe(0);
    expect(io.stdout).toMatch(/^sovereign-ci run <action> \[--with name=value\]/);
  });
});
