import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GateError } from '@sovereign-ci/action-kit';
import {
  loadPrivateKey,
  loadPublicKeys,
  signBytes,
  signatureAnnotation,
  signatureTag,
  simpleSigningMediaType,
  simpleSigningPayload,
  verificationFailure,
  verifyImage,
  type VerifyOptions,
} from '@sovereign-ci/cosign';
import { digestOf, MediaType, parseReference, RegistryError, type Descriptor } from '@sovereign-ci/oci';

const imageDigest = `sha256:${'c'.repeat(64)}`;
const missingDigest = `sha256:${'e'.repeat(64)}`;

async function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signing = await loadPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  return { signing, publicKeys: loadPublicKeys(publicKey.export({ type: 'spki', format: 'pem' }) as string) };
}

/**
 * A registry holding the image and its `.sig` manifest. Blobs it does not hold answer NOT_FOUND, as a
 * registry does when a signature manifest points at a blob that was garbage-collected.
 */
function registryWith(layers: Descriptor[], blobs: Map<string, Buffer>): VerifyOptions['client'] {
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: `sha256:${'0'.repeat(64)}`, size: 2 },
    layers,
  };
  const sigDescriptor = { mediaType: MediaType.ociManifest, digest: `sha256:${'5'.repeat(64)}`, size: 10 };
  const repo = {
    manifests: {
      resolve: async () => ({ mediaType: MediaType.ociManifest, digest: imageDigest, size: 100 }),
      exists: async (tag: string) => (tag === signatureTag(imageDigest) ? sigDescriptor : undefined),
      fetch: async () => ({ descriptor: sigDescriptor, bytes: Buffer.from('{}'), manifest }),
    },
    blobs: {
      fetchBytes: async (descriptor: Descriptor) => {
        const bytes = blobs.get(descriptor.digest);
        if (bytes) return bytes;
        throw new RegistryError(`blob ${descriptor.digest} not found`, { code: 'NOT_FOUND', status: 404 });
      },
    },
    referrers: async () => [],
  };
  return { repository: () => repo } as unknown as VerifyOptions['client'];
}

describe('verifyImage', () => {
  describe('when one signature blob of the .sig manifest cannot be read', () => {
    it('records it as a failed finding and still counts the readable one', async () => {
      const { signing, publicKeys } = await keyPair();
      const payload = simpleSigningPayload({ dockerReference: 'r.lab/team/app', digest: imageDigest });
      const good: Descriptor = {
        mediaType: simpleSigningMediaType,
        digest: digestOf(payload),
        size: payload.length,
        annotations: { [signatureAnnotation]: signBytes(signing, payload).toString('base64') },
      };
      const gone: Descriptor = { ...good, digest: missingDigest };
      const client = registryWith([gone, good], new Map([[good.digest, payload]]));
      const result = await verifyImage('r.lab/team/app:1', parseReference('r.lab/team/app:1'), {
        client,
        keys: publicKeys,
        format: 'auto',
      });
      const where = `r.lab/team/app:${signatureTag(imageDigest)}`;
      expect(result).toEqual({
        image: 'r.lab/team/app:1',
        reference: `r.lab/team/app@${imageDigest}`,
        digest: imageDigest,
        verified: true,
        findings: [
          {
            format: 'legacy',
            location: `${where}#1`,
            ok: false,
            detail: `cannot read ${missingDigest}: blob ${missingDigest} not found`,
          },
          { format: 'legacy', location: `${where}#2`, ok: true, detail: 'key 1' },
        ],
      });
    });
  });

  describe('when the only signature cannot be read', () => {
    it('fails as a GateError whose table says why', async () => {
      const { publicKeys } = await keyPair();
      const gone: Descriptor = {
        mediaType: simpleSigningMediaType,
        digest: missingDigest,
        size: 200,
        annotations: { [signatureAnnotation]: 'c2ln' },
      };
      const result = await verifyImage('r.lab/team/app:1', parseReference('r.lab/team/app:1'), {
        client: registryWith([gone], new Map()),
        keys: publicKeys,
        format: 'legacy',
      });
      const error = verificationFailure([result]);
      expect(error).toBeInstanceOf(GateError);
      expect(error?.message).toMatch(/^1 of 1 image\(s\) have no valid signature: r\.lab\/team\/app:1\n/);
      expect(error?.message).toMatch(/#1 +FAIL: cannot read sha256:e{64}: blob sha256:e{64} not found/);
    });
  });
});
