import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadActionMetadata } from '../../cli/action-metadata';
import { repoRoot } from '../harness/fixtures';

type Yaml = Record<string, unknown>;
const asMap = (value: unknown): Yaml =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Yaml) : {};

const workflowDirs = ['workflows', '.forgejo/workflows', '.github/workflows', 'examples/.forgejo/workflows'];
const workflowFiles = workflowDirs.flatMap((dir) => {
  const full = path.join(repoRoot, dir);
  return existsSync(full)
    ? readdirSync(full)
        .filter((f) => f.endsWith('.yml'))
        .map((f) => path.join(dir, f))
    : [];
});

/** Where one of our `uses:` points inside this repository, or undefined for a third-party action. */
function ourTarget(uses: string): { kind: 'action' | 'workflow'; path: string } | undefined {
  const local = /^\.\/\.sovereign-ci\/(actions\/[a-z0-9-]+)$/.exec(uses);
  if (local) return { kind: 'action', path: local[1] as string };
  const remote = /^https:\/\/[^/]+\/infra\/sovereign-ci\/(actions\/[a-z0-9-]+)@[0-9a-f]{40}$/.exec(uses);
  if (remote) return { kind: 'action', path: remote[1] as string };
  const reusable = /^infra\/sovereign-ci\/(\.forgejo\/workflows\/[a-z0-9-]+\.yml)@[0-9a-f]{40}$/.exec(uses);
  if (reusable) return { kind: 'workflow', path: reusable[1] as string };
  return undefined;
}

function declaredInputs(target: { kind: 'action' | 'workflow'; path: string }): Map<string, boolean> {
  if (target.kind === 'action') {
    const meta = loadActionMetadata(path.join(repoRoot, target.path));
    return new Map(meta.inputs.map(([name, input]) => [name, input.required && input.default === undefined]));
  }
  const doc = asMap(parse(readFileSync(path.join(repoRoot, target.path), 'utf8')));
  const inputs = asMap(asMap(asMap(doc.on).workflow_call).inputs);
  return new Map(Object.entries(inputs).map(([name, spec]) => [name, asMap(spec).required === true]));
}

describe('workflows', () => {
  it('finds the reusable workflows and the examples', () => {
    expect(workflowFiles.filter((f) => f.startsWith('workflows/')).sort()).toEqual([
      'workflows/build-sign-scan-save.yml',
      'workflows/mirror-model.yml',
      'workflows/repin.yml',
    ]);
  });

  it.each(workflowFiles)('%s parses with the official workflow parser', (file) => {
    const content = readFileSync(path.join(repoRoot, file), 'utf8');
    const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(result.value).toBeDefined();
  });

  it.each(workflowFiles)('%s uses only existing actions of ours, with inputs they declare', (file) => {
    const doc = asMap(parse(readFileSync(path.join(repoRoot, file), 'utf8')));
    const calls: { uses: string; with: Yaml }[] = [];
    for (const job of Object.values(asMap(doc.jobs)).map(asMap)) {
      if (typeof job.uses === 'string') calls.push({ uses: job.uses, with: asMap(job.with) });
      for (const step of (Array.isArray(job.steps) ? job.steps : []).map(asMap)) {
        if (typeof step.uses === 'string') calls.push({ uses: step.uses, with: asMap(step.with) });
      }
    }
    const problems: string[] = [];
    for (const call of calls) {
      const target = ourTarget(call.uses);
      if (!target) {
        if (/sovereign-ci/.test(call.uses))
          problems.push(`${call.uses}: not a pinned reference to an action or workflow`);
        continue;
      }
      if (!existsSync(path.join(repoRoot, target.path))) {
        problems.push(`${call.uses}: ${target.path} does not exist`);
        continue;
      }
      const inputs = declaredInputs(target);
      for (const name of Object.keys(call.with))
        if (!inputs.has(name)) problems.push(`${call.uses}: unknown input ${name}`);
      for (const [name, required] of inputs) {
        if (required && !(name in call.with)) problems.push(`${call.uses}: required input ${name} missing`);
      }
    }
    expect(problems).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
  });

  it.each(['.forgejo/workflows', '.github/workflows'])('%s holds byte-identical callable copies', (dir) => {
    for (const name of readdirSync(path.join(repoRoot, 'workflows'))) {
      expect(readFileSync(path.join(repoRoot, dir, name), 'utf8')).toBe(
        readFileSync(path.join(repoRoot, 'workflows', name), 'utf8'),
      );
    }
  });
});
