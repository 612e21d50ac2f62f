import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runAction, type ActionStep, type RunnerCommands } from '@sovereign-ci/action-kit';
import { requireTool } from '../../harness/tools';

const exec = promisify(execFile);

export interface Recorder extends RunnerCommands {
  lines: string[];
  outputs: Record<string, string>;
  failed: string[];
}

export function recorder(): Recorder {
  const lines: string[] = [];
  const outputs: Record<string, string> = {};
  const failed: string[] = [];
  return {
    lines,
    outputs,
    failed,
    setOutput: (n, v) => void (outputs[n] = v),
    setFailed: (m) => void failed.push(m),
    setSecret: () => {},
    saveState: () => {},
    getState: () => '',
    exportVariable: () => {},
    debug: (m) => void lines.push(`debug ${m}`),
    info: (m) => void lines.push(`info ${m}`),
    warning: (m) => void lines.push(`warning ${m}`),
    startGroup: () => {},
    endGroup: () => {},
  };
}

/** Runs an action step the way a runner does (failures end in `commands.failed`), with `inputs` as INPUT_*. */
export async function runStep(
  step: ActionStep,
  inputs: Record<string, string>,
  runnerTemp: string,
  extraEnv: Record<string, string> = {},
): Promise<Recorder> {
  const commands = recorder();
  const env: Record<string, string> = {
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: runnerTemp,
    ...extraEnv,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  await runAction(step, undefined, { env, commands });
  return commands;
}

/** Writes `size` random bytes in 8 MiB pieces (never the whole file in memory). */
export async function writeRandomFile(file: string, size: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  for (let left = size; left > 0;) {
    const n = Math.min(left, 8 * 1024 * 1024);
    if (!out.write(randomBytes(n))) await new Promise<void>((r) => out.once('drain', () => r()));
    left -= n;
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** A model tree: nested folders, small JSON files, a doc, code, and weights of the given sizes. */
export async function writeModel(dir: string, shards: Record<string, number>): Promise<void> {
  const small: Record<string, string> = {
    'config.json': JSON.stringify({ architectures: ['TinyForCausalLM'], hidden_size: 64 }),
    'generation_config.json': JSON.stringify({ max_new_tokens: 32 }),
    'tokenizer/tokenizer.json': JSON.stringify({
      version: '1.0',
      model: { type: 'BPE', vocab: { a: 0, b: 1 } },
    }),
    'tokenizer/special_tokens_map.json': JSON.stringify({ eos_token: '</s>' }),
    'README.md': '# tiny\n\nA generated model for tests.\n',
    'scripts/convert.py': 'print("convert")\n',
    'docs/deep/nested/notes.md': 'notes\n',
    'model.safetensors.index.json': JSON.stringify({
      weight_map: Object.fromEntries(Object.keys(shards).map((s) => [s, s])),
    }),
  };
  for (const [rel, text] of Object.entries(small)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  for (const [rel, size] of Object.entries(shards)) await writeRandomFile(path.join(dir, rel), size);
}

/** `sha256sum` of every file below `dir` (an independent tool), by relative path. */
export async function sha256sums(dir: string): Promise<Record<string, string>> {
  const files = await listFiles(dir);
  if (files.length === 0) return {};
  const { stdout } = await exec(requireTool('sha256sum'), files, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const out: Record<string, string> = {};
  for (const line of stdout.trim().split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m) out[m[2] as string] = `sha256:${m[1]}`;
  }
  return out;
}

export async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

/** Count of blob upload requests (POST/PATCH/PUT on …/blobs/uploads/) to `repo` in a registry log. */
export function uploadRequests(log: string, repo: string): number {
  const escaped = repo.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return (log.match(new RegExp(`"(?:POST|PATCH|PUT) /v2/${escaped}/blobs/uploads/`, 'g')) ?? []).length;
}
