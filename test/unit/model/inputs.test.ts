import { describe, expect, it } from 'vitest';
import { InputError, setSecretMasker } from '@sovereign-ci/action-kit';
import { readInputs } from '../../../actions/mirror-model/src/inputs';
import { readInputs as readPullInputs } from '../../../actions/pull-model/src/inputs';

const env = (inputs: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  ...extra,
});

describe('mirror-model readInputs', () => {
  describe('when the source is a Hugging Face model', () => {
    it('reads every input with its defaults and masks the token', () => {
      const masked: string[] = [];
      setSecretMasker((v) => masked.push(v));
      const got = readInputs(
        env({ source: 'hf://acme/tiny', destination: 'harbor.lab/models/tiny:v1', 'hf-token': 'hf_x' }),
        '/ws',
      );
      expect(got).toEqual({
        source: { kind: 'huggingface', repo: 'acme/tiny' },
        hfEndpoint: 'https://huggingface.co',
        hfToken: 'hf_x',
        include: [],
        exclude: [],
        destination: { registry: 'harbor.lab', repository: 'models/tiny', tag: 'v1' },
        format: 'modelpack',
        concurrency: 4,
        insecureRegistries: [],
      });
      expect(masked).toEqual(['hf_x']);
    });

    it('takes HF_ENDPOINT and HF_TOKEN from the environment', () => {
      const masked: string[] = [];
      setSecretMasker((v) => masked.push(v));
      const got = readInputs(
        env(
          { source: 'hf://acme/tiny', destination: 'r.lab/m' },
          { HF_ENDPOINT: 'https://hf.internal/', HF_TOKEN: 'hf_env' },
        ),
      );
      expect([got.hfEndpoint, got.hfToken, masked]).toEqual(['https://hf.internal', 'hf_env', ['hf_env']]);
    });
  });

  describe('when the source is a directory', () => {
    it('resolves it in the workspace and reads the transfer inputs', () => {
      const got = readInputs(
        env({
          source: 'models/tiny',
          destination: 'r.lab/m',
          shard: '2/3',
          'chunk-size': '16MiB',
          concurrency: '8',
          format: 'oras',
          'artifact-type': 'application/vnd.example.model.v1',
          include: '*.json, *.safetensors',
          'digest-cache': 'false',
        }),
        '/ws',
      );
      expect(got).toEqual({
        source: { kind: 'directory', dir: '/ws/models/tiny' },
        hfEndpoint: 'https://huggingface.co',
        include: ['*.json', '*.safetensors'],
        exclude: [],
        destination: { registry: 'r.lab', repository: 'm' },
        format: 'oras',
        artifactType: 'application/vnd.example.model.v1',
        concurrency: 8,
        chunkSize: 16 * 1024 * 1024,
        shard: { index: 2, count: 3 },
        digestCache: '',
        insecureRegistries: [],
      });
    });
  });

  describe('when a value is wrong', () => {
    it.each([
      [{ source: 'hf://a/b/c', destination: 'r/m' }, 'source'],
      [{ source: 's3://bucket/x', destination: 'r/m' }, 'source'],
      [{ source: 'hf://a/b', destination: 'r.lab/m@sha256:' + 'a'.repeat(64) }, 'destination'],
      [{ source: 'hf://a/b', destination: 'UPPER/Case' }, 'destination'],
      [{ source: 'hf://a/b', destination: 'r/m', shard: '3/2' }, 'shard'],
      [{ source: 'hf://a/b', destination: 'r/m', 'chunk-size': '10' }, 'chunk-size'],
      [{ source: 'hf://a/b', destination: 'r/m', 'chunk-size': 'lots' }, 'chunk-size'],
      [{ source: 'hf://a/b', destination: 'r/m', format: 'tar' }, 'format'],
      [{ source: 'hf://a/b', destination: 'r/m', 'artifact-type': 'application/x' }, 'artifact-type'],
      [{ source: 'hf://a/b', destination: 'r/m', concurrency: '0' }, 'concurrency'],
      [{ source: 'hf://a/b', destination: 'r/m', 'hf-endpoint': 'ftp://x' }, 'hf-endpoint'],
      [{ destination: 'r/m' }, 'source'],
    ])('%j fails naming %s', (inputs, name) => {
      let error: unknown;
      try {
        readInputs(env(inputs));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toContain(name);
    });
  });

  describe('when hf-endpoint carries credentials', () => {
    it.each(['https://mirror:s3cretPass@hf.internal', 'http://s3cretPass@hf.internal/'])(
      '%s is refused without repeating them, and they are masked',
      (endpoint) => {
        const masked: string[] = [];
        setSecretMasker((v) => masked.push(v));
        let error: unknown;
        try {
          readInputs(env({ source: 'hf://a/b', destination: 'r/m' }, { HF_ENDPOINT: endpoint }));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InputError);
        expect((error as InputError).message).toMatch(/hf-endpoint.*credentials/);
        expect((error as InputError).message).not.toContain('s3cretPass');
        expect(masked.join(' ')).toContain('s3cretPass');
      },
    );
  });
});

describe('pull-model readInputs', () => {
  it('reads the reference and resolves the path in the workspace', () => {
    expect(readPullInputs(env({ reference: 'r.lab/m@sha256:' + 'b'.repeat(64) }), '/ws')).toEqual({
      reference: { registry: 'r.lab', repository: 'm', digest: 'sha256:' + 'b'.repeat(64) },
      path: '/ws/model',
      concurrency: 4,
      insecureRegistries: [],
    });
  });
});
