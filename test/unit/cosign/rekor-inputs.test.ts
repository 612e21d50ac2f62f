import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, setSecretMasker } from '@sovereign-ci/action-kit';
import { readInputs } from '../../../actions/sign/src/inputs';
import { fixturePath } from '../../harness/fixtures';

const keyPem = readFileSync(fixturePath('cosign/cosign-repo/keys_test.pemsigstorekey.pem'), 'utf8');
const env = (extra: Record<string, string>) => ({
  INPUT_IMAGES: 'harbor.lab/team/app:1.0',
  INPUT_KEY: keyPem,
  ...extra,
});

describe('sign readInputs rekor-url', () => {
  setSecretMasker(() => undefined);

  describe('when rekor-url is empty or unset', () => {
    it.each([[{}], [{ 'INPUT_REKOR-URL': '' }], [{ 'INPUT_REKOR-URL': '  ' }]])(
      'uploads nothing for %j',
      (extra) => {
        expect(readInputs(env(extra)).rekorUrl).toBeUndefined();
      },
    );
  });

  describe('when rekor-url names a log', () => {
    it.each([
      ['https://rekor.internal', 'https://rekor.internal'],
      ['https://rekor.internal/', 'https://rekor.internal'],
      ['https://lab.internal:8443/rekor/', 'https://lab.internal:8443/rekor'],
      ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ])('reads %s as %s', (value, expected) => {
      expect(readInputs(env({ 'INPUT_REKOR-URL': value })).rekorUrl).toBe(expected);
    });
  });

  describe('when rekor-url is unusable', () => {
    it.each([
      ['rekor.internal', "expected a URL such as https://rekor.internal, got 'rekor.internal'"],
      [
        'http://rekor.internal',
        "expected an https:// URL (plain http only on loopback), got 'http://rekor.internal'",
      ],
      [
        'ftp://rekor.internal',
        "expected an https:// URL (plain http only on loopback), got 'ftp://rekor.internal'",
      ],
      ['https://user:secret@rekor.internal', 'must not carry credentials'],
      ['https://rekor.internal/?x=1', 'must be a base URL, without a query or fragment'],
    ])('rejects %s', (value, message) => {
      expect(() => readInputs(env({ 'INPUT_REKOR-URL': value }))).toThrow(
        new InputError('rekor-url', message),
      );
    });

    it.each(['bundle', 'both'])('rejects it with format %s (legacy only)', (format) => {
      expect(() =>
        readInputs(env({ 'INPUT_REKOR-URL': 'https://rekor.internal', INPUT_FORMAT: format })),
      ).toThrow(
        new InputError(
          'rekor-url',
          `transparency-log upload is implemented for format legacy only, not '${format}'`,
        ),
      );
    });
  });
});
