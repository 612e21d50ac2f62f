import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  failureMessage,
  GateError,
  InputError,
  runAction,
  type RunnerCommands,
} from '@sovereign-ci/action-kit';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kit-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function fakeCommands(state: Record<string, string> = {}) {
  const calls: string[] = [];
  const commands: RunnerCommands = {
    setOutput: (name, value) => void calls.push(`output ${name}=${value}`),
    setFailed: (message) => void calls.push(`failed ${message}`),
    setSecret: (value) => void calls.push(`secret ${value}`),
    saveState: (name, value) => void calls.push(`state ${name}=${value}`),
    getState: (name) => state[name] ?? '',
    exportVariable: (name, value) => void calls.push(`env ${name}=${value}`),
    debug: (message) => void calls.push(`debug ${message.split('\n')[0]}`),
    info: (message) => void calls.push(`info ${message}`),
    warning: (message) => void calls.push(`warning ${message}`),
    startGroup: (name) => void calls.push(`group ${name}`),
    endGroup: () => void calls.push('endgroup'),
  };
  return { commands, calls };
}

describe('runAction', () => {
  describe('when main succeeds', () => {
    it('runs main and leaves a post marker only when there is a post step', async () => {
      const { commands, calls } = fakeCommands();
      await runAction(
        async (ctx) => ctx.outputs.set('digest', 'sha256:x'),
        async () => {},
        { env: {}, commands },
      );
      expect(calls).toEqual(['state sovereign-ci-is-post=true', 'output digest=sha256:x']);
    });
  });
  describe('when the runner calls the entry again after the job', () => {
    it('runs post instead of main', async () => {
      const { commands, calls } = fakeCommands({ entry: 'docker.io' });
      await runAction(
        async () => void calls.push('main'),
        async (ctx) => void calls.push(`post ${ctx.state.get('entry')}`),
        { env: { 'STATE_sovereign-ci-is-post': 'true' }, commands },
      );
      expect(calls).toEqual(['post docker.io']);
    });
  });
  describe('when main fails', () => {
    it.each([
      [new InputError('tags', 'bad rule'), "failed input 'tags': bad rule"],
      [new GateError('2 blocking findings'), 'failed 2 blocking findings'],
    ])('fails with the message only for expected errors', async (error, line) => {
      const { commands, calls } = fakeCommands();
      await runAction(async () => Promise.reject(error), undefined, { env: {}, commands });
      expect(calls).toEqual([line]);
    });
    it('prints the cause chain at debug level for anything else', async () => {
      const { commands, calls } = fakeCommands();
      const error = new Error('push failed', { cause: new Error('socket hang up') });
      await runAction(async () => Promise.reject(error), undefined, { env: {}, commands });
      expect(calls).toEqual([
        'debug Error: push failed',
        'debug Error: socket hang up',
        'failed push failed: caused by: socket hang up',
      ]);
    });
  });
  describe('failureMessage', () => {
    it.each([
      [
        'an input error, its message only',
        new InputError('x', 'bad', { cause: new Error('inner') }),
        "input 'x': bad",
      ],
      [
        'a gate error, its message only',
        new GateError('table\nrow', { cause: new Error('inner') }),
        'table\nrow',
      ],
      [
        'anything else, with its causes',
        new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }),
        'fetch failed: caused by: connect ECONNREFUSED 127.0.0.1:1',
      ],
      [
        'a cause whose message is already there, once',
        new Error('pull failed: timeout', { cause: new Error('timeout') }),
        'pull failed: timeout',
      ],
      ['an error without a message, its name', new RangeError(''), 'RangeError'],
      ['a thrown string', 'plain', 'plain'],
    ])('gives %s', (_name, error, message) => {
      expect(failureMessage(error)).toBe(message);
    });
  });
  describe('outputs', () => {
    it('writes large values to a private file and sets <name>-file', async () => {
      const { commands, calls } = fakeCommands();
      const temp = tempDir();
      const big = 'x'.repeat(70 * 1024);
      let file = '';
      await runAction(
        async (ctx) => {
          ctx.outputs.setLarge('report', big);
          file = ctx.outputs.values['report-file'] ?? '';
        },
        undefined,
        { env: { RUNNER_TEMP: temp }, commands },
      );
      expect(readFileSync(file, 'utf8')).toBe(big);
      expect(path.dirname(path.dirname(file))).toBe(temp);
      expect(calls).toEqual([`output report-file=${file}`, 'output report=']);
    });
    it('refuses a plain output whose line would break Forgejo parsing', async () => {
      const { commands, calls } = fakeCommands();
      await runAction(async (ctx) => ctx.outputs.set('x', 'y'.repeat(61 * 1024)), undefined, {
        env: {},
        commands,
      });
      const message = "output 'x' has a line over 61440 bytes; use setLarge";
      expect(calls).toEqual([`debug Error: ${message}`, `failed ${message}`]);
    });
  });
  describe('summary', () => {
    it('appends to the summary file and also logs it on Forgejo', async () => {
      const { commands, calls } = fakeCommands();
      const temp = tempDir();
      const file = path.join(temp, 'summary.md');
      await runAction(async (ctx) => ctx.summary.write('| a |'), undefined, {
        env: { GITHUB_STEP_SUMMARY: file, FORGEJO_SERVER_URL: 'https://git.example' },
        commands,
      });
      expect(readFileSync(file, 'utf8')).toBe('| a |\n');
      expect(calls).toEqual(['info | a |']);
    });
    it('appends without logging on GitHub, and only logs without a summary file', async () => {
      const { commands, calls } = fakeCommands();
      const file = path.join(tempDir(), 'summary.md');
      const write = async (ctx: { summary: { write(markdown: string): void } }) => {
        ctx.summary.write('one');
        ctx.summary.write('two\n');
      };
      await runAction(write, undefined, { env: { GITHUB_STEP_SUMMARY: file }, commands });
      expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
      expect(calls).toEqual([]);
      await runAction(write, undefined, { env: {}, commands });
      expect(calls).toEqual(['info one', 'info two']);
    });
  });
});
