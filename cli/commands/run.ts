import path from 'node:path';
import { loadActionMetadata } from '../action-metadata';
import { runActionSteps } from '../action-runner';
import { actionDir } from '../actions-dir';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { readGitContext } from '../git-context';
import { collectKeyValues } from '../key-value';
import { MASK } from '../masker';
import { parseOptions } from '../parse-options';

export interface RunArgs {
  action?: string;
  actionDir?: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  json: boolean;
  keepTemp: boolean;
}

export function parseRunArgs(args: string[]): RunArgs {
  const { values, positionals } = parseOptions(args, {
    with: { type: 'string', short: 'w', multiple: true },
    env: { type: 'string', short: 'e', multiple: true },
    json: { type: 'boolean' },
    'action-dir': { type: 'string' },
    'keep-temp': { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError(`run takes one action, got: ${positionals.join(' ')}`);
  const action = positionals[0];
  const dir = values['action-dir'];
  if (action === undefined && dir === undefined)
    throw new UsageError('run needs an action name (or --action-dir DIR)');
  return {
    ...(action !== undefined ? { action } : {}),
    ...(dir !== undefined ? { actionDir: dir } : {}),
    inputs: collectKeyValues(values.with ?? [], '--with', 'join'),
    env: collectKeyValues(values.env ?? [], '--env', 'last'),
    json: values.json ?? false,
    keepTemp: values['keep-temp'] ?? false,
  };
}

/** Masks every string in the outputs with the values the action masked. */
function maskValues(outputs: Record<string, string>, mask: (s: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, mask(v)]));
}

export const runCommand: Command = {
  summary: "run an action's bundle the way a runner does and print its outputs as JSON",
  usage: [
    'sovereign-ci run <action> [--with name=value]… [--env NAME=value]… [--json] [--action-dir DIR] [--keep-temp]',
    '',
    '  --with, -w   an input; a name given twice gets both values, one a line (for list inputs)',
    '  --env, -e    an extra environment variable for the steps',
    "  --json       send the action's own output to stderr, so stdout holds only the outputs JSON",
    '  --action-dir run the action.yml in DIR instead of actions/<action>',
    '  --keep-temp  keep RUNNER_TEMP (kept anyway when an output names a file in it)',
    '',
    'Runs runs.main, then runs.post with the saved state, with temporary GITHUB_OUTPUT, GITHUB_ENV,',
    'GITHUB_STATE, GITHUB_PATH and GITHUB_STEP_SUMMARY files; the last line of stdout is the',
    "outputs as one JSON object. The exit code is the action's.",
  ].join('\n'),
  async run(args, io) {
    const parsed = parseRunArgs(args);
    const dir = parsed.actionDir
      ? path.resolve(io.cwd, parsed.actionDir)
      : actionDir(io.root, parsed.action ?? '');
    const action = loadActionMetadata(dir);
    const log = parsed.json ? io.err : io.out;
    const result = await runActionSteps({
      action,
      inputs: parsed.inputs,
      env: parsed.env,
      base: io.env,
      git: readGitContext(io.cwd),
      workspace: io.cwd,
      log,
      logErr: io.err,
      status: io.err,
      keepTemp: parsed.keepTemp,
    });
    const mask = (s: string) => result.masker.mask(s);
    if (result.summary.trim() !== '') log(`${mask(result.summary).replace(/\n?$/, '\n')}`);
    if (action.runs.post && !result.postRan)
      io.err(`[sovereign-ci] ${action.name}: post skipped (post-if)\n`);
    if (result.keptTemp) {
      io.err(`[sovereign-ci] kept RUNNER_TEMP ${result.keptTemp} (delete it when done)\n`);
    }
    if (result.exitCode !== 0)
      io.err(`[sovereign-ci] ${action.name} failed with exit code ${result.exitCode}\n`);
    const outputs = maskValues(result.outputs, mask);
    if (Object.values(outputs).some((v) => v.includes(MASK))) {
      io.err('[sovereign-ci] some outputs hold masked values and are printed as ***\n');
    }
    io.out(`${JSON.stringify(outputs)}\n`);
    return result.exitCode;
  },
};
