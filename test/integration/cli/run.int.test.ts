import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/fixtures';
import { runCli, sourceCli, type CliRun } from './run-cli';

const echoDir = path.join('test', 'fixtures', 'actions', 'echo');
// SOVEREIGN_CLI_BUNDLE points the test at a bundle built elsewhere (e.g. node scripts/bundle.mjs --out DIR).
const bundle = process.env.SOVEREIGN_CLI_BUNDLE ?? path.join(repoRoot, 'dist', 'cli', 'index.js');

/** The CLI from source (tsx) and, when built, the bundle a user gets from `npx sovereign-ci`. */
const variants: Array<[string, string[]]> = [
  ['source (tsx)', sourceCli],
  ['bundle (dist/cli/index.js)', [bundle]],
];

function cli(prefix: string[], args: string[], env: Record<string, string> = {}): CliRun {
  return runCli(prefix, args, { env, timeoutMs: 60_000 });
}

describe.each(variants)('sovereign-ci run from the %s', (name, prefix) => {
  const needsBundle = name.startsWith('bundle');
  // The bundle exists once `npm run bundle` ran; CI checks dist/ before the tests, so there it must.
  const runnable = !needsBundle || existsSync(bundle) || process.env.CI === 'true';
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'cli-run-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  describe.runIf(runnable)('when the echo fixture succeeds', () => {
    let run: CliRun;
    let report: string;
    let parentOutput: string;
    beforeAll(() => {
      if (needsBundle && !existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run bundle`);
      report = path.join(tmp, 'report.json');
      parentOutput = path.join(tmp, 'parent-output');
      writeFileSync(parentOutput, '');
      run = cli(
        prefix,
        [
          'run',
          '--action-dir',
          echoDir,
          '--with',
          'message=hello world',
          '--with',
          'dry-run=true',
          '--with',
          'secret=hunter2-s3cr3t',
          '--with',
          `post-report=${report}`,
          '--json',
        ],
        // What a CI step running the CLI would have: none of it may reach the action.
        { GITHUB_OUTPUT: parentOutput, INPUT_SECRET: 'leaked', STATE_saved: 'leaked' },
      );
    });

    it('exits 0 with only the outputs JSON on stdout', () => {
      expect(run.status).toBe(0);
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(run.stdout)).toEqual({
        message: 'hello world',
        'dry-run': 'true',
        count: '1.0',
        where: repoRoot,
        lines: 'first line\nsecond = line',
        'has-secret': 'yes ***',
      });
    });

    it("masks ::add-mask:: values in the action's log, split chunks included", () => {
      expect(run.stderr).toContain('the secret is *** (on stdout)');
      expect(run.stderr).toContain('the secret is *** (on stderr)');
      expect(run.stderr).not.toContain('hunter2');
      expect(run.stderr).not.toContain('::add-mask::');
      expect(run.stderr).toContain('### echo summary');
    });

    it('ran post with the state main saved and the env main exported', () => {
      expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual({
        saved: 'hello world',
        multi: 'state one\nstate two',
        env: 'set by main',
        message: 'hello world',
      });
      expect(run.stderr).toContain('post saw state saved=hello world');
    });

    it("left the caller's GITHUB_OUTPUT alone", () => {
      expect(readFileSync(parentOutput, 'utf8')).toBe('');
    });
  });

  describe.runIf(runnable)('when the main step fails', () => {
    it("exits with the action's code, still runs post, and prints the outputs last", () => {
      const report = path.join(tmp, 'failed-report.json');
      const run = cli(prefix, [
        'run',
        '--action-dir',
        echoDir,
        '--with',
        'message=boom',
        '--with',
        'exit-code=3',
        '--with',
        `post-report=${report}`,
      ]);
      expect(run.status).toBe(3);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('message is boom');
      expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ message: 'boom', 'has-secret': 'no' });
      expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ saved: 'boom' });
      expect(run.stderr).toContain('echo failed with exit code 3');
    });
  });

  describe.runIf(runnable)('when an output names a file in RUNNER_TEMP', () => {
    it('keeps that private directory and says so', () => {
      const run = cli(prefix, [
        'run',
        '--action-dir',
        echoDir,
        '--with',
        'message=in a file',
        '--with',
        'write-file=true',
      ]);
      expect(run.status).toBe(0);
      const outputs = JSON.parse(run.stdout.trimEnd().split('\n').at(-1) ?? '') as { file: string };
      const temp = path.dirname(outputs.file);
      try {
        expect(readFileSync(outputs.file, 'utf8')).toBe('in a file');
        expect(statSync(temp).mode & 0o777).toBe(0o700);
        expect(run.stderr).toContain(`kept RUNNER_TEMP ${temp}`);
      } finally {
        rmSync(temp, { recursive: true, force: true });
      }
    });

    it("nests it in the caller's RUNNER_TEMP when there is one, so the job's cleanup removes it", () => {
      const jobTemp = mkdtempSync(path.join(tmp, 'job-temp-'));
      const run = cli(
        prefix,
        ['run', '--action-dir', echoDir, '--with', 'message=nested', '--with', 'write-file=true'],
        { RUNNER_TEMP: jobTemp },
      );
      const outputs = JSON.parse(run.stdout.trimEnd().split('\n').at(-1) ?? '') as { file: string };
      expect({
        status: run.status,
        parent: path.dirname(path.dirname(outputs.file)),
        content: readFileSync(outputs.file, 'utf8'),
      }).toEqual({ status: 0, parent: jobTemp, content: 'nested' });
    });
  });

  describe.runIf(runnable)('when the inputs are wrong', () => {
    it.each([
      [['--with', 'mesage=x'], 'unknown input(s) for echo: mesage; known inputs: message, dry-run'],
      [[], 'missing required input(s) for echo: message (pass --with message=…)'],
    ])('%j exits 2 and says why', (extra, message) => {
      const run = cli(prefix, ['run', '--action-dir', echoDir, ...extra]);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    });
  });
});
