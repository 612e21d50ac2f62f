import { describe, expect, it } from 'vitest';
import { InputError } from '@sovereign-ci/action-kit';
import { readInputs } from '../../../actions/trivy-gate/src/inputs';
import { fixturePath } from '../../harness/fixtures';
import { goldenPath } from './golden';

const sha = 'a'.repeat(64);
const env = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

describe('trivy-gate readInputs', () => {
  describe('when only an image is given', () => {
    it('defaults to Trivy from PATH, CRITICAL,HIGH, no tolerance, cache on, fail on', () => {
      expect(readInputs(env({ image: 'harbor.lab/team/app:1.0' }))).toEqual({
        source: 'trivy',
        image: {
          input: 'harbor.lab/team/app:1.0',
          ref: { registry: 'harbor.lab', repository: 'team/app', tag: '1.0' },
        },
        skipDbUpdate: false,
        cache: true,
        severities: ['CRITICAL', 'HIGH'],
        ignoreUnfixed: false,
        pkgTypes: [],
        maxFindings: 0,
        harborWaitMs: 300_000,
        insecureRegistries: [],
        fail: true,
      });
    });
  });

  describe('when every policy input is set', () => {
    it('reads them all', () => {
      const inputs = readInputs(
        env({
          source: 'report',
          report: goldenPath('alpine-39.json'),
          severity: 'low, Critical',
          'ignore-unfixed': 'true',
          'pkg-types': 'os',
          'ignore-file': fixturePath('trivy', 'ignore', 'trivyignore.test.yaml'),
          'max-findings': '3',
          sarif: 'true',
          fail: 'false',
        }),
      );
      expect([
        inputs.source,
        inputs.severities,
        inputs.ignoreUnfixed,
        inputs.pkgTypes,
        inputs.maxFindings,
        inputs.sarif,
        inputs.fail,
      ]).toEqual(['report', ['LOW', 'CRITICAL'], true, ['os'], 3, true, false]);
    });

    it('derives the Harbor URL from the image registry', () => {
      expect(readInputs(env({ source: 'harbor', image: 'harbor.lab/team/app:1' })).harborUrl).toBe(
        'https://harbor.lab',
      );
      expect(
        readInputs(
          env({
            source: 'harbor',
            image: '127.0.0.1:5000/team/app:1',
            'insecure-registries': '127.0.0.1:5000',
          }),
        ).harborUrl,
      ).toBe('http://127.0.0.1:5000');
    });
  });

  describe('when an input is bad', () => {
    it.each([
      [{ image: 'x/y', severity: 'HIGH,SEVERE' }, 'severity', /unknown severity 'SEVERE'/],
      [
        { image: 'x/y', 'trivy-url': 'https://git.lab/trivy_0.58.1_Linux-64bit.tar.gz' },
        'trivy-sha256',
        /is required with trivy-url/,
      ],
      [
        { image: 'x/y', 'trivy-url': 'https://git.lab/t.tgz', 'trivy-sha256': 'abc' },
        'trivy-sha256',
        /64 hex digits/,
      ],
      [
        { image: 'x/y', 'trivy-url': 'ftp://git.lab/t.tgz', 'trivy-sha256': sha },
        'trivy-url',
        /http\(s\) URL/,
      ],
      [
        { image: 'x/y', 'trivy-url': 'https://u:p@git.lab/t.tgz', 'trivy-sha256': sha },
        'trivy-url',
        /must not carry credentials/,
      ],
      [{ source: 'report' }, 'report', /is required with source 'report'/],
      [{ source: 'report', report: '/nonexistent/report.json' }, 'report', /file not found/],
      [{}, 'image', /is required/],
      [{ source: 'scanner', image: 'x/y' }, 'source', /expected one of trivy, report, harbor/],
      [{ image: 'x/y', 'pkg-types': 'os,binary' }, 'pkg-types', /got 'binary'/],
      [{ image: 'x/y', 'max-findings': '-1' }, 'max-findings', /./],
      [{ image: 'x/y', 'ignore-unfixed': 'yes' }, 'ignore-unfixed', /expected true or false/],
      [{ image: 'x/y', 'ignore-file': '/nonexistent/.trivyignore' }, 'ignore-file', /file not found/],
      [{ image: 'x/y', 'harbor-wait': 'soon' }, 'harbor-wait', /expected a duration/],
      [{ image: 'UPPER/Case' }, 'image', /./],
      [
        { image: 'harbor.lab/team/a:1\nharbor.lab/team/b:2' },
        'image',
        /^input 'image': one image per step, got 2 \(harbor.lab\/team\/a:1, harbor.lab\/team\/b:2\)/,
      ],
      [{ image: '- harbor.lab/team/a:1\n- harbor.lab/team/b:2\n' }, 'image', /one image per step, got 2/],
      [{ image: 'harbor.lab/team/a:1, harbor.lab/team/b:2' }, 'image', /one image per step, got 2/],
      [{ image: 'x/y', report: goldenPath('alpine-39.json') }, 'report', /only with source 'report'/],
      [
        { source: 'harbor', image: 'x/y', report: goldenPath('alpine-39.json') },
        'report',
        /source is 'harbor'/,
      ],
      [{ image: 'x/y', 'trivy-sha256': sha }, 'trivy-sha256', /applies only with trivy-url/],
      [{ image: 'x/y', 'trivy-version': '0.58.1' }, 'trivy-version', /applies only with trivy-url/],
      [
        { image: 'x/y', 'trivy-url': 'https://git.lab/assets/1234', 'trivy-sha256': sha },
        'trivy-version',
        /is required: the file name of trivy-url carries no version/,
      ],
      [
        { source: 'report', report: goldenPath('alpine-39.json'), 'trivy-url': 'https://git.lab/t.tgz' },
        'trivy-url',
        /is read only with source 'trivy' \(source is 'report'\)/,
      ],
      [{ source: 'harbor', image: 'x/y', 'db-repository': 'h/db:2' }, 'db-repository', /source 'trivy'/],
      [{ source: 'harbor', image: 'x/y', 'java-db-repository': 'h/j:1' }, 'java-db-repository', /trivy/],
      [{ image: 'x/y', 'harbor-url': 'https://harbor.lab' }, 'harbor-url', /only with source 'harbor'/],
    ])('%j is an InputError naming %s', (inputs, name, message) => {
      let error: unknown;
      try {
        readInputs(env(inputs as Record<string, string>));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe(name);
      expect((error as InputError).message).toMatch(message);
    });
  });
});
