import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../../../actions/breakglass-save/src/inputs';

const env = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

describe('breakglass-save readInputs', () => {
  describe('when only the required inputs are set', () => {
    it('applies the defaults', () => {
      expect(
        readInputs(env({ image: 'harbor.lab/infra/runner:1.4', destinations: '/srv/a\n/mnt/nas/b' }), '/w'),
      ).toEqual({
        image: { registry: 'harbor.lab', repository: 'infra/runner', tag: '1.4' },
        platform: 'linux/amd64',
        destinations: ['/srv/a', '/mnt/nas/b'],
        name: 'runner',
        keep: 5,
        compression: 'none',
        verify: true,
        caFile: undefined,
        insecureRegistries: [],
      });
    });
  });

  describe('when every input is set', () => {
    it('reads them, resolving relative destinations from the workspace', () => {
      expect(
        readInputs(
          env({
            image: 'registry.local:5000/team/app@sha256:' + 'a'.repeat(64),
            platform: 'linux/arm64/v8',
            destinations: 'archives\n\n/abs',
            name: 'app-infra',
            keep: '2',
            compression: 'gzip',
            verify: 'false',
            'ca-file': '/etc/ssl/certs/ca-certificates.crt',
            'insecure-registries': 'registry.local:5000',
          }),
          '/w',
        ),
      ).toEqual({
        image: {
          registry: 'registry.local:5000',
          repository: 'team/app',
          digest: `sha256:${'a'.repeat(64)}`,
        },
        platform: 'linux/arm64/v8',
        destinations: [path.join('/w', 'archives'), '/abs'],
        name: 'app-infra',
        keep: 2,
        compression: 'gzip',
        verify: false,
        caFile: '/etc/ssl/certs/ca-certificates.crt',
        insecureRegistries: ['registry.local:5000'],
      });
    });
  });

  describe('when a destination is given twice', () => {
    it.each([
      ['/a\n/a/', ['/a']],
      ['/a/\n/b\n/a', ['/a', '/b']],
      ['a\n./a/\n/w/a', ['/w/a']],
    ])('%j writes it once', (destinations, expected) => {
      expect(readInputs(env({ image: 'x/y:1', destinations }), '/w').destinations).toEqual(expected);
    });
  });

  describe('when a value is bad', () => {
    it.each([
      [{ destinations: '/a' }, "input 'image'"],
      [{ image: 'Not A Ref', destinations: '/a' }, "input 'image'"],
      [{ image: 'x/y:1' }, "input 'destinations': needs at least one directory"],
      [{ image: 'x/y:1', destinations: '/a', name: '../etc' }, "input 'name'"],
      [{ image: 'x/y:1', destinations: '/a', name: 'a/b' }, "input 'name'"],
      [{ image: 'x/y:1', destinations: '/a', name: '..' }, "input 'name'"],
      [{ image: 'x/y:1', destinations: '/a', name: 'n'.repeat(129) }, "input 'name'"],
      [{ image: 'x/y:1', destinations: '/a', keep: '0' }, "input 'keep'"],
      [{ image: 'x/y:1', destinations: '/a', compression: 'zstd' }, "input 'compression'"],
      [{ image: 'x/y:1', destinations: '/a', verify: 'yes' }, "input 'verify'"],
      [{ image: 'x/y:1', destinations: '/a', platform: 'amd64' }, "input 'platform'"],
    ])('%j fails naming the input', (inputs, message) => {
      expect(() => readInputs(env(inputs), '/w')).toThrow(message);
    });
  });
});
