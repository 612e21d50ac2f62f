import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendSignature,
  loadPrivateKey,
  signatureTag,
  signBytes,
  simpleSigningPayload,
  verifyBytes,
  type SigningKey,
} from '@sovereign-ci/cosign';
import type { ImageManifest } from '@sovereign-ci/oci';

const digest = 'sha256:' + '12'.repeat(32);
const sha = (bytes: Buffer | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function newKey(): Promise<SigningKey> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}

describe('signatureTag', () => {
  describe('when given a digest', () => {
    it('names the cosign .sig tag', () => {
      expect(signatureTag(digest)).toBe(`sha256-${'12'.repeat(32)}.sig`);
    });
  });
});

describe('appendSignature', () => {
  describe('when there is no signature image yet', () => {
    it('builds the manifest and config go-containerregistry writes for cosign', async () => {
      const key = await newKey();
      const payload = simpleSigningPayload({ dockerReference: 'r.lab/app', digest });
      const signature = signBytes(key, payload).toString('base64');
      const image = appendSignature(undefined, { payload, signature }, () => false);
      const config = `{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["${sha(payload)}"]},"config":{}}`;
      expect(image.config.toString()).toBe(config);
      expect(image.manifest.toString()).toBe(
        `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
          `"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":${config.length},"digest":"${sha(config)}"},` +
          `"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":${payload.length},"digest":"${sha(payload)}",` +
          `"annotations":{"dev.cosignproject.cosign/signature":"${signature}"}}]}`,
      );
      expect(image.duplicate).toBe(false);
    });
  });

  describe('when others have signed already', () => {
    it('keeps their layers and appends ours', async () => {
      const ours = await newKey();
      const theirs = await newKey();
      const payload = simpleSigningPayload({ dockerReference: 'r.lab/app', digest });
      const first = appendSignature(
        undefined,
        { payload, signature: signBytes(theirs, payload).toString('base64') },
        () => false,
      );
      const existing = {
        manifest: JSON.parse(first.manifest.toString()) as ImageManifest,
        config: JSON.parse(first.config.toString()) as object,
      };
      const verifiesOurs = (b64: string) => verifyBytes(ours.publicKey, payload, Buffer.from(b64, 'base64'));
      const second = appendSignature(
        existing,
        { payload, signature: signBytes(ours, payload).toString('base64') },
        verifiesOurs,
      );
      const manifest = JSON.parse(second.manifest.toString()) as ImageManifest;
      const config = JSON.parse(second.config.toString()) as {
        rootfs: { diff_ids: string[] };
        history: unknown[];
      };
      expect({
        duplicate: second.duplicate,
        layers: manifest.layers.length,
        kept: manifest.layers[0],
        diffIds: config.rootfs.diff_ids,
        history: config.history.length,
        configDigest: manifest.config.digest,
      }).toEqual({
        duplicate: false,
        layers: 2,
        kept: existing.manifest.layers[0],
        diffIds: [sha(payload), sha(payload)],
        history: 2,
        configDigest: sha(second.config),
      });

      // Signing again with our key: an equivalent signature is there, nothing is appended.
      const third = appendSignature(
        { manifest, config: JSON.parse(second.config.toString()) as object },
        { payload, signature: signBytes(ours, payload).toString('base64') },
        verifiesOurs,
      );
      expect({
        duplicate: third.duplicate,
        layers: (JSON.parse(third.manifest.toString()) as ImageManifest).layers.length,
      }).toEqual({
        duplicate: true,
        layers: 2,
      });
    });
  });
});
