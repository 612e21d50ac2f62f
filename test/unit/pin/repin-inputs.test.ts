import { describe, expect, it } from 'vitest';
import { InputError, setSecretMasker, actionsCoreCommands } from '@sovereign-ci/action-kit';
import { DEFAULT_PATHS } from '@sovereign-ci/pin';
import { readInputs } from '../../../actions/repin/src/inputs';

const env = (inputs: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  ...extra,
});

describe('repin readInputs', () => {
  describe('when nothing is set', () => {
    it('uses the defaults and the job token from the environment, masked', () => {
      const masked: string[] = [];
      setSecretMasker((v) => void masked.push(v));
      try {
        expect(readInputs(env({}, { FORGEJO_TOKEN: 'job-token-123' }))).toEqual({
          paths: [...DEFAULT_PATHS],
          mirrors: [],
          rewriteToMirror: false,
          allowUnresolved: false,
          dryRun: false,
          pullRequest: true,
          gitPush: false,
          branch: 'repin/base-digests',
          title: 'Re-pin base image digests',
          labels: [],
          token: 'job-token-123',
          forge: 'auto',
          insecureRegistries: [],
          concurrency: 8,
        });
        expect(masked).toEqual(['job-token-123']);
      } finally {
        setSecretMasker((v) => actionsCoreCommands.setSecret(v));
      }
    });
  });

  describe('when every input is set', () => {
    it('reads lists, mirrors and the repository', () => {
      setSecretMasker(() => undefined);
      try {
        const got = readInputs(
          env({
            paths: '**/Dockerfile\ndeploy/**/*.yaml',
            mirrors: 'docker.io=harbor.lab/docker-hub, ghcr.io=harbor.lab/ghcr',
            'rewrite-to-mirror': 'true',
            'dry-run': 'true',
            labels: 'dependencies,automated',
            token: 'pat',
            repository: 'team/app',
            base: 'develop',
            concurrency: '4',
            forge: 'github',
            'api-url': 'http://127.0.0.1:3000/api/v1',
          }),
        );
        expect([
          got.paths,
          got.mirrors,
          got.labels,
          got.repository,
          got.base,
          got.concurrency,
          got.forge,
          got.token,
        ]).toEqual([
          ['**/Dockerfile', 'deploy/**/*.yaml'],
          [
            { from: 'docker.io', registry: 'harbor.lab', prefix: 'docker-hub' },
            { from: 'ghcr.io', registry: 'harbor.lab', prefix: 'ghcr' },
          ],
          ['dependencies', 'automated'],
          { owner: 'team', repo: 'app' },
          'develop',
          4,
          'github',
          'pat',
        ]);
      } finally {
        setSecretMasker((v) => actionsCoreCommands.setSecret(v));
      }
    });
  });

  describe('when a value is invalid', () => {
    it.each([
      ['mirrors', { mirrors: 'docker.io' }],
      ['branch', { branch: 'a..b' }],
      ['repository', { repository: 'just-a-name' }],
      ['concurrency', { concurrency: '0' }],
      ['forge', { forge: 'gitlab' }],
      ['api-url', { 'api-url': 'ftp://x' }],
      ['rewrite-to-mirror', { 'rewrite-to-mirror': 'true' }],
      ['dry-run', { 'dry-run': 'maybe' }],
    ])('names %s', (input, inputs) => {
      let error: unknown;
      try {
        readInputs(env(inputs));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe(input);
    });
  });
});
