import { describe, expect, it } from 'vitest';
import { readInputs as readProbeInputs } from '../../../actions/registry-probe/src/inputs';
import { readInputs as readRetentionInputs } from '../../../actions/registry-retention/src/inputs';

describe('registry-probe readInputs', () => {
  it('reads defaults', () => {
    expect(readProbeInputs({ INPUT_REGISTRY: 'harbor.lab' })).toEqual({
      registry: 'harbor.lab',
      repositories: [],
      forgejoOwner: undefined,
      forgejoUrl: undefined,
      token: undefined,
      blobs: false,
      concurrency: 8,
      prometheusFile: undefined,
      instance: 'harbor.lab',
      failOnBroken: true,
      caFile: undefined,
      insecureRegistries: [],
    });
  });
  it.each([
    [{}, "input 'registry': is required but was not set"],
    [
      { INPUT_REGISTRY: 'harbor.lab/team' },
      "input 'registry': expected a registry host such as harbor.lab, got 'harbor.lab/team'",
    ],
    [{ INPUT_REGISTRY: 'h', INPUT_CONCURRENCY: '0' }, "input 'concurrency': must be at least 1, got 0"],
    [{ INPUT_REGISTRY: 'h', INPUT_BLOBS: 'yes' }, "input 'blobs': expected true or false, got 'yes'"],
    [
      { INPUT_REGISTRY: 'h', 'INPUT_FORGEJO-OWNER': 'infra' },
      "input 'forgejo-url': is required with forgejo-owner outside a Forgejo job",
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readProbeInputs(env)).toThrow(message);
  });
  it('takes the Forgejo server and job token from the runner', () => {
    const inputs = readProbeInputs({
      INPUT_REGISTRY: 'git.example.org',
      'INPUT_FORGEJO-OWNER': 'infra',
      FORGEJO_SERVER_URL: 'https://git.example.org',
      FORGEJO_TOKEN: 'job-token',
    });
    expect([inputs.forgejoUrl, inputs.token]).toEqual(['https://git.example.org', 'job-token']);
  });
});

describe('registry-retention readInputs', () => {
  it('is a dry run keeping 10 by default', () => {
    const inputs = readRetentionInputs({
      INPUT_REGISTRY: 'git.example.org',
      INPUT_OWNER: 'infra',
      FORGEJO_SERVER_URL: 'https://git.example.org',
    });
    expect({ dryRun: inputs.dryRun, policy: inputs.policy, provider: inputs.provider }).toEqual({
      dryRun: true,
      policy: { keep: 10, protect: [], deleteUntagged: false },
      provider: 'forgejo',
    });
  });
  it.each([
    [
      { INPUT_REGISTRY: 'r', INPUT_PROVIDER: 'harbor' },
      "input 'provider': expected one of forgejo, oci, got 'harbor'",
    ],
    [
      { INPUT_REGISTRY: 'r', FORGEJO_SERVER_URL: 'https://x' },
      "input 'owner': is required with provider forgejo",
    ],
    [
      { INPUT_REGISTRY: 'r', INPUT_PROVIDER: 'oci', INPUT_KEEP: '0' },
      "input 'keep': must be at least 1, got 0",
    ],
    [
      { INPUT_REGISTRY: 'r', INPUT_PROVIDER: 'oci', 'INPUT_DRY-RUN': 'nope' },
      "input 'dry-run': expected true or false, got 'nope'",
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readRetentionInputs(env)).toThrow(message);
  });
});
