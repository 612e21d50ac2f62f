import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, setSecretMasker } from '@sovereign-ci/action-kit';
import { readInputs as readSignInputs } from '../../../actions/sign/src/inputs';
import { readInputs as readVerifyInputs } from '../../../actions/verify/src/inputs';
import { fixturePath } from '../../harness/fixtures';

const keyPem = readFileSync(fixturePath('cosign/cosign-repo/keys_test.pemsigstorekey.pem'), 'utf8');
const pubPem = readFileSync(fixturePath('cosign/containers-image/fixtures/cosign.pub'), 'utf8');
const pub2Pem = readFileSync(fixturePath('cosign/containers-image/fixtures/cosign2.pub'), 'utf8');

const signEnv = (extra: Record<string, string | undefined> = {}) => ({
  INPUT_IMAGES: 'harbor.lab/team/app:1.0\nforgejo.lab/team/app:1.0',
  INPUT_KEY: keyPem,
  INPUT_PASSWORD: '',
  ...extra,
});

describe('sign readInputs', () => {
  describe('when given images, a key and defaults', () => {
    it('reads them, masking the key as it reads it', () => {
      const masked: string[] = [];
      setSecretMasker((value) => masked.push(value));
      const inputs = readSignInputs(signEnv());
      expect({ ...inputs, key: inputs.key === keyPem }).toEqual({
        images: [
          {
            input: 'harbor.lab/team/app:1.0',
            ref: { registry: 'harbor.lab', repository: 'team/app', tag: '1.0' },
          },
          {
            input: 'forgejo.lab/team/app:1.0',
            ref: { registry: 'forgejo.lab', repository: 'team/app', tag: '1.0' },
          },
        ],
        key: true,
        annotations: {},
        format: 'legacy',
        insecureRegistries: [],
      });
      expect(masked).toContain(keyPem);
    });
  });

  describe('when the password comes from the input or COSIGN_PASSWORD', () => {
    it.each([
      ['the input wins', { INPUT_PASSWORD: ' in put ', COSIGN_PASSWORD: 'env' }, ' in put '],
      ['COSIGN_PASSWORD when the input is empty', { COSIGN_PASSWORD: 'env' }, 'env'],
      ['COSIGN_PASSWORD set but empty means empty', { COSIGN_PASSWORD: '' }, ''],
      ['neither set leaves it undefined', {}, undefined],
    ])('%s', (_name, extra, expected) => {
      expect(readSignInputs(signEnv(extra)).password).toBe(expected);
    });
  });

  describe('when inputs are invalid', () => {
    it.each([
      [{ INPUT_IMAGES: '' }, new InputError('images', 'is required but was not set')],
      [{ INPUT_IMAGES: 'Harbor.lab/Team/App' }, /input 'images': invalid image reference/],
      [{ INPUT_KEY: 'cosign.key' }, /input 'key': expected the PEM content/],
      [{ INPUT_FORMAT: 'oci' }, new InputError('format', "expected one of legacy, bundle, both, got 'oci'")],
      [{ INPUT_ANNOTATIONS: 'novalue' }, new InputError('annotations', "expected KEY=value, got 'novalue'")],
      [
        { 'INPUT_SIGNATURE-REPOSITORY': 'harbor.lab/sigs:latest' },
        /input 'signature-repository': .*without a tag/,
      ],
      [
        { 'INPUT_CA-FILE': '/nonexistent/ca.pem' },
        new InputError('ca-file', '/nonexistent/ca.pem does not exist'),
      ],
    ])('rejects %j', (extra, expected) => {
      expect(() => readSignInputs(signEnv(extra))).toThrow(expected);
    });
  });

  describe('when a signature repository and annotations are given', () => {
    it.each([
      ['harbor.lab/signatures/app', { registry: 'harbor.lab', repository: 'signatures/app' }],
      ['signatures/app', { repository: 'signatures/app' }],
    ])('reads %s', (value, expected) => {
      const inputs = readSignInputs(
        signEnv({ 'INPUT_SIGNATURE-REPOSITORY': value, INPUT_ANNOTATIONS: 'env=prod\nowner = a=b' }),
      );
      expect({ repo: inputs.signatureRepository, annotations: inputs.annotations }).toEqual({
        repo: expected,
        annotations: { env: 'prod', owner: ' a=b' },
      });
    });
  });
});

describe('verify readInputs', () => {
  describe('when given several public keys in one input', () => {
    it('loads each and defaults to auto', () => {
      const inputs = readVerifyInputs({
        INPUT_IMAGES: 'harbor.lab/team/app@sha256:' + 'a'.repeat(64),
        'INPUT_PUBLIC-KEYS': pubPem + pub2Pem,
      });
      expect({
        keys: inputs.keys.map((k) => k.pem),
        format: inputs.format,
        image: inputs.images[0]!.ref.digest,
      }).toEqual({
        keys: [pubPem, pub2Pem],
        format: 'auto',
        image: 'sha256:' + 'a'.repeat(64),
      });
    });
  });

  describe('when the keys are not public keys', () => {
    it.each([
      [
        keyPem,
        "input 'public-keys': expected a 'PUBLIC KEY' PEM block, found 'ENCRYPTED SIGSTORE PRIVATE KEY'",
      ],
      ['not a pem', "input 'public-keys': no PEM block found where public keys were expected"],
    ])('rejects them', (keys, message) => {
      expect(() => readVerifyInputs({ INPUT_IMAGES: 'harbor.lab/a:1', 'INPUT_PUBLIC-KEYS': keys })).toThrow(
        message,
      );
    });
  });

  describe('when format is not known', () => {
    it('names the input', () => {
      expect(() =>
        readVerifyInputs({
          INPUT_IMAGES: 'harbor.lab/a:1',
          'INPUT_PUBLIC-KEYS': pubPem,
          INPUT_FORMAT: 'both',
        }),
      ).toThrow(new InputError('format', "expected one of auto, legacy, bundle, got 'both'"));
    });
  });
});
