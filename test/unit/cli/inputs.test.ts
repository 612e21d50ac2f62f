import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/errors';
import { expandDefault, inputEnvName, inputVariables, resolveInputs } from '../../../cli/inputs';
import type { ActionMetadata } from '../../../cli/action-metadata';

describe('inputEnvName', () => {
  it.each([
    ['registry', 'INPUT_REGISTRY'],
    ['dry-run', 'INPUT_DRY-RUN'],
    ['fail-on-broken', 'INPUT_FAIL-ON-BROKEN'],
    ['my input', 'INPUT_MY_INPUT'],
    ['ca_file', 'INPUT_CA_FILE'],
    ['x509-cert2', 'INPUT_X509-CERT2'],
  ])('maps %s to %s', (name, expected) => {
    expect(inputEnvName(name)).toBe(expected);
  });
});

describe('expandDefault', () => {
  const env = { GITHUB_WORKSPACE: '/src', FORGEJO_TOKEN: 'tok', RUNNER_TEMP: '/rt', HOME: '/home/u' };

  it.each([
    ['${{ github.workspace }}', '/src'],
    ['${{github.token}}', 'tok'],
    ['${{ runner.temp }}/x', '/rt/x'],
    ['${{ env.HOME }}', '/home/u'],
    ['${{ github.server_url }}', ''],
    ['plain', 'plain'],
  ])('expands %s to %s', (value, expected) => {
    expect(expandDefault('in', value, env)).toBe(expected);
  });

  it('rejects expressions it cannot evaluate, naming the input', () => {
    expect(() => expandDefault('tags', "${{ format('{0}', 'a') }}", env)).toThrow(
      new UsageError(
        "the default of input \"tags\" uses ${{ format('{0}', 'a') }}, which the CLI cannot evaluate: pass --with tags=…",
      ),
    );
  });
});

describe('resolveInputs', () => {
  const action: Pick<ActionMetadata, 'name' | 'inputs'> = {
    name: 'demo',
    inputs: [
      ['image', { description: '', required: true }],
      ['dry-run', { description: '', required: false, default: 'false' }],
      ['where', { description: '', required: false, default: '${{ github.workspace }}' }],
      ['optional', { description: '', required: false }],
    ],
  };

  describe('when the required inputs are given', () => {
    it('overlays the given values on the defaults and leaves unset optional inputs out', () => {
      expect(resolveInputs(action, { image: 'a:1', 'dry-run': 'true' }, { GITHUB_WORKSPACE: '/w' })).toEqual({
        image: 'a:1',
        'dry-run': 'true',
        where: '/w',
      });
    });

    it('sets the INPUT_ variables the runner way', () => {
      expect(inputVariables({ image: 'a:1', 'dry-run': 'true' })).toEqual({
        INPUT_IMAGE: 'a:1',
        'INPUT_DRY-RUN': 'true',
      });
    });
  });

  describe('when an input is wrong', () => {
    it('names unknown inputs and lists the known ones', () => {
      expect(() => resolveInputs(action, { image: 'a', dryrun: 'x' }, {})).toThrow(
        new UsageError('unknown input(s) for demo: dryrun; known inputs: image, dry-run, where, optional'),
      );
    });

    it('names missing required inputs', () => {
      expect(() => resolveInputs(action, {}, {})).toThrow(
        new UsageError('missing required input(s) for demo: image (pass --with image=…)'),
      );
    });
  });
});
