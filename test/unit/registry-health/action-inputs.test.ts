import { afterEach, describe, expect, it } from 'vitest';
import { actionsCoreCommands, setSecretMasker } from '@sovereign-ci/action-kit';
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
    [
      { INPUT_REGISTRY: 'h', 'INPUT_FORGEJO-OWNER': 'infra', 'INPUT_FORGEJO-URL': 'git.example.org' },
      "input 'forgejo-url': expected an http(s) URL such as https://git.example.org, got 'git.example.org'",
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readProbeInputs(env)).toThrow(message);
  });
  it('takes the Forgejo server and job token from the runner, masking the token', () => {
    const masked: string[] = [];
    setSecretMasker((value) => void masked.push(value));
    const inputs = readProbeInputs({
      INPUT_REGISTRY: 'git.example.org',
      'INPUT_FORGEJO-OWNER': 'infra',
      FORGEJO_SERVER_URL: 'https://git.example.org',
      FORGEJO_TOKEN: 'job-token',
    });
    expect([inputs.forgejoUrl, inputs.token, masked]).toEqual([
      'https://git.example.org',
      'job-token',
      ['job-token'],
    ]);
  });
});

afterEach(() => setSecretMasker((value) => actionsCoreCommands.setSecret(value)));

describe('registry-retention readInputs', () => {
  it('falls back to the job token, masking it', () => {
    const masked: string[] = [];
    setSecretMasker((value) => void masked.push(value));
    const inputs = readRetentionInputs({
      INPUT_REGISTRY: 'git.example.org',
      INPUT_OWNER: 'infra',
      FORGEJO_SERVER_URL: 'https://git.example.org',
      GITHUB_TOKEN: 'job-token-2',
    });
    expect([inputs.token, masked]).toEqual(['job-token-2', ['job-token-2']]);
  });
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
    [
      { INPUT_REGISTRY: 'r', INPUT_OWNER: 'infra', FORGEJO_SERVER_URL: 'https://x', INPUT_REPOSITORIES: 'a' },
      "input 'repositories': applies to provider oci; with provider forgejo set owner",
    ],
    [
      { INPUT_REGISTRY: 'r', INPUT_PROVIDER: 'oci', 'INPUT_DELETE-UNTAGGED': 'true' },
      "input 'delete-untagged': applies to provider forgejo: a plain registry cannot list untagged manifests",
    ],
    [
      { INPUT_REGISTRY: 'r', INPUT_PROVIDER: 'oci', INPUT_OWNER: 'infra' },
      "input 'owner': applies to provider forgejo; with provider oci set repositories",
    ],
    [
      { INPUT_REGISTRY: 'r', INPUT_OWNER: 'infra', 'INPUT_FORGEJO-URL': 'ftp://x' },
      "input 'forgejo-url': expected an http(s) URL such as https://git.example.org, got 'ftp://x'",
    ],
  ])('refuses %j', (env, message) => {
    expect(() => readRetentionInputs(env)).toThrow(message);
  });
});
