import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAllActions, renderReference, updateReadme } from '../../scripts/readme-reference';
import { repoRoot } from '../harness/fixtures';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const actions = loadAllActions(repoRoot);

describe('README', () => {
  it('documents every action', () => {
    expect(actions.map((a) => a.name)).toEqual([
      'breakglass-save',
      'build-push',
      'login',
      'mirror-model',
      'pull-model',
      'registry-probe',
      'registry-retention',
      'repin',
      'sign',
      'trivy-gate',
      'verify',
    ]);
  });

  it('has input and output tables equal to those generated from action.yml (run npm run docs)', () => {
    expect(updateReadme(readme, actions)).toBe(readme);
  });

  describe('renderReference', () => {
    it('lists every input with required, default and description, and every output', () => {
      const table = renderReference({
        dir: '.',
        name: 'x',
        description: '',
        inputs: [
          ['dry-run', { description: 'Do nothing.', required: false, default: 'true' }],
          ['images', { description: 'One | per line.', required: true }],
        ],
        outputs: [['digest', 'The digest.']],
        runs: { using: 'node24', main: 'index.js' },
      });
      expect(table).toBe(
        [
          '| input | required | default | description |',
          '| --- | --- | --- | --- |',
          '| `dry-run` | no | `true` | Do nothing. |',
          '| `images` | yes |  | One \\| per line. |',
          '',
          '| output | description |',
          '| --- | --- |',
          '| `digest` | The digest. |',
        ].join('\n'),
      );
    });
  });
});
