import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadActionMetadata } from '../../../cli/action-metadata';
import { repoRoot } from '../../harness/fixtures';

const echoDir = path.join(repoRoot, 'test', 'fixtures', 'actions', 'echo');

describe('loadActionMetadata', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function actionYml(text: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-meta-'));
    temps.push(dir);
    writeFileSync(path.join(dir, 'action.yml'), text);
    return dir;
  }

  describe('when action.yml is the echo fixture', () => {
    it('reads inputs in order with defaults kept as written', () => {
      const meta = loadActionMetadata(echoDir);
      expect(meta.runs).toEqual({ using: 'node24', main: 'main.js', post: 'post.js' });
      expect(meta.inputs.map(([name, spec]) => [name, spec.required, spec.default])).toEqual([
        ['message', true, undefined],
        ['dry-run', false, 'false'],
        ['count', false, '1.0'],
        ['where', false, '${{ github.workspace }}'],
        ['secret', false, ''],
        ['exit-code', false, '0'],
        ['write-file', false, 'false'],
        ['post-report', false, ''],
      ]);
      expect(meta.outputs.map(([name]) => name)).toEqual(['message', 'lines']);
    });
  });

  describe('when action.yml is unusual', () => {
    it('reads post-if and a boolean required', () => {
      const dir = actionYml(
        'name: x\ndescription: d\ninputs:\n  a:\n    required: true\n    default: yes\nruns:\n  using: node20\n  main: m.js\n  post: p.js\n  post-if: success()\n',
      );
      expect(loadActionMetadata(dir)).toEqual({
        dir,
        name: 'x',
        description: 'd',
        inputs: [['a', { description: '', required: true, default: 'yes' }]],
        outputs: [],
        runs: { using: 'node20', main: 'm.js', post: 'p.js', postIf: 'success()' },
      });
    });

    it('rejects a file without runs.main', () => {
      const dir = actionYml('name: x\nruns:\n  using: node24\n');
      expect(() => loadActionMetadata(dir)).toThrow(`${path.join(dir, 'action.yml')} has no runs.main`);
    });

    it('names the file when the YAML is broken', () => {
      const dir = actionYml('name: [unclosed\n');
      expect(() => loadActionMetadata(dir)).toThrow(path.join(dir, 'action.yml'));
    });
  });
});
