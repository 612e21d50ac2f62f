import { readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSignBundle,
  loadPrivateKey,
  loadPublicKeys,
  preAuthEncoding,
  verifyBundle,
  type SigningKey,
} from '@sovereign-ci/cosign';
import { fixturePath } from '../../harness/fixtures';

// A DSSE envelope made by cosign: cmd/cosign/cli/verify/verify_blob_attestation_test.go, blobSLSAProvenanceSignature
// (signed by the key in cosign-repo/verify_blob_attestation_test.pubkey.pem, over blob "some-payload").
const cosignEnvelope =
  'eyJwYXlsb2FkVHlwZSI6ImFwcGxpY2F0aW9uL3ZuZC5pbi10b3RvK2pzb24iLCJwYXlsb2FkIjoiZXlKZmRIbHdaU0k2SW1oMGRIQnpPaTh2YVc0dGRHOTBieTVwYnk5VGRHRjBaVzFsYm5RdmRqQXVNU0lzSW5CeVpXUnBZMkYwWlZSNWNHVWlPaUpvZEhSd2N6b3ZMM05zYzJFdVpHVjJMM0J5YjNabGJtRnVZMlV2ZGpBdU1pSXNJbk4xWW1wbFkzUWlPbHQ3SW01aGJXVWlPaUppYkc5aUlpd2laR2xuWlhOMElqcDdJbk5vWVRJMU5pSTZJalkxT0RjNE1XTmtOR1ZrT1dKallUWXdaR0ZqWkRBNVpqZGlZamt4TkdKaU5URTFNREpsT0dJMVpEWXhPV1kxTjJZek9XRXhaRFkxTWpVNU5tTmpNalFpZlgxZExDSndjbVZrYVdOaGRHVWlPbnNpWW5WcGJHUmxjaUk2ZXlKcFpDSTZJaklpZlN3aVluVnBiR1JVZVhCbElqb2llQ0lzSW1sdWRtOWpZWFJwYjI0aU9uc2lZMjl1Wm1sblUyOTFjbU5sSWpwN2ZYMTlmUT09Iiwic2lnbmF0dXJlcyI6W3sia2V5aWQiOiIiLCJzaWciOiJNRVVDSUE4S2pacWtydDkwZnpCb2pTd3d0ajNCcWI0MUU2cnV4UWs5N1RMbnB6ZFlBaUVBek9Bak9Uenl2VEhxYnBGREFuNnpocmc2RVp2N2t4SzVmYVJvVkdZTWgyYz0ifV19';
const blobDigest = 'sha256:658781cd4ed9bca60dacd09f7bb914bb51502e8b5d619f57f39a1d652596cc24';
const digest = 'sha256:' + 'ab'.repeat(32);

async function newKey(): Promise<SigningKey> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}

describe('preAuthEncoding', () => {
  describe('when given the DSSE spec example', () => {
    it('writes lengths in bytes', () => {
      expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
        'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
      );
    });
  });
});

describe('verifyBundle', () => {
  describe("when the envelope is cosign's own", () => {
    const envelope = JSON.parse(Buffer.from(cosignEnvelope, 'base64').toString()) as object;
    const bundle = Buffer.from(
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: envelope }),
    );
    const cosignKey = loadPublicKeys(
      readFileSync(fixturePath('cosign/cosign-repo/verify_blob_attestation_test.pubkey.pem'), 'utf8'),
    );

    it('verifies its signature, then refuses its SLSA predicate as not an image signature', () => {
      expect(verifyBundle(bundle, { keys: cosignKey, digest: blobDigest })).toEqual({
        ok: false,
        reason: 'predicate type https://slsa.dev/provenance/v0.2 is not https://sigstore.dev/cosign/sign/v1',
      });
    });

    it('fails on the signature with another key', async () => {
      const other = await newKey();
      expect(verifyBundle(bundle, { keys: [other.publicKey], digest: blobDigest })).toEqual({
        ok: false,
        reason: 'signature verifies with none of the 1 key(s)',
      });
    });
  });

  describe('when the bundle is one we created', () => {
    it('verifies for the digest and annotations it names', async () => {
      const key = await newKey();
      const { bytes, bundle, statement } = createSignBundle(key, digest, { env: 'prod' });
      expect({
        mediaType: bundle.mediaType,
        hint: bundle.verificationMaterial?.publicKey?.hint,
        statement: JSON.parse(statement.toString()) as unknown,
      }).toEqual({
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        hint: key.publicKey.hint,
        statement: {
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ digest: { sha256: 'ab'.repeat(32) }, annotations: { env: 'prod' } }],
          predicateType: 'https://sigstore.dev/cosign/sign/v1',
          predicate: {},
        },
      });
      const criteria = { keys: [key.publicKey], digest };
      expect(verifyBundle(bytes, { ...criteria, annotations: { env: 'prod' } })).toEqual({
        ok: true,
        keyIndex: 0,
      });
      expect(verifyBundle(bytes, { ...criteria, digest: 'sha256:' + 'cd'.repeat(32) })).toEqual({
        ok: false,
        reason: 'statement names sha256:abababababab…, not this image',
      });
      expect(verifyBundle(bytes, { ...criteria, annotations: { env: 'dev' } })).toEqual({
        ok: false,
        reason: 'annotation env=dev required, found env=prod',
      });
    });

    it('fails when the statement was altered after signing', async () => {
      const key = await newKey();
      const { bundle } = createSignBundle(key, digest);
      const forged = Buffer.from(
        JSON.stringify({
          ...bundle,
          dsseEnvelope: { ...bundle.dsseEnvelope, payload: Buffer.from('{"_type":"x"}').toString('base64') },
        }),
      );
      expect(verifyBundle(forged, { keys: [key.publicKey], digest })).toEqual({
        ok: false,
        reason: 'signature verifies with none of the 1 key(s)',
      });
    });
  });

  describe('when the bytes are not a bundle', () => {
    it.each([
      ['not JSON', 'nope', 'not a Sigstore bundle (JSON with mediaType)'],
      [
        'another media type',
        '{"mediaType":"text/plain"}',
        'bundle media type text/plain is not a Sigstore bundle',
      ],
    ])('rejects %s', (_name, text, reason) => {
      expect(verifyBundle(Buffer.from(text), { keys: [], digest })).toEqual({ ok: false, reason });
    });
  });
});
