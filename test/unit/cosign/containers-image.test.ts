import { describe, expect, it } from 'vitest';
import { loadPublicKeys, verifyDirectoryImage } from '@sovereign-ci/cosign';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../harness/fixtures';

const fixtures = (...parts: string[]) => fixturePath('cosign', 'containers-image', 'fixtures', ...parts);
const cosignKey = loadPublicKeys(readFileSync(fixtures('cosign.pub'), 'utf8'));
const cosign2Key = loadPublicKeys(readFileSync(fixtures('cosign2.pub'), 'utf8'));

// These signatures were made by cosign (containers/image signature/fixtures), not by this project.
describe('verifyDirectoryImage', () => {
  describe("when the image carries cosign's valid signatures", () => {
    it.each([
      ['dir-img-cosign-valid', cosignKey, [true]],
      ['dir-img-cosign-valid-2', cosignKey, [true, true]],
      ['dir-img-cosign-valid-with-tag', cosignKey, [true]],
      ['dir-img-cosign-key-rekor-valid', cosign2Key, [true]],
      ['dir-img-cosign-mixed', cosignKey, [false, true]],
    ])('verifies %s', async (dir, keys, perSignature) => {
      const result = await verifyDirectoryImage(fixtures(dir), { keys });
      expect({ verified: result.verified, each: result.results.map((r) => r.outcome.ok) }).toEqual({
        verified: true,
        each: perSignature,
      });
    });

    it('reports the identity and digest of dir-img-cosign-valid', async () => {
      const result = await verifyDirectoryImage(fixtures('dir-img-cosign-valid'), { keys: cosignKey });
      expect(result).toEqual({
        digest: 'sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00',
        verified: true,
        results: [
          {
            file: 'signature-1',
            outcome: { ok: true, keyIndex: 0, identity: '192.168.64.2:5000/cosign-signed-single-sample' },
          },
        ],
      });
    });
  });

  describe('when the signature must be rejected', () => {
    it.each([
      ['dir-img-cosign-modified-manifest', cosignKey, /payload names sha256:634a8f35b5f1…, not this image/],
      [
        'dir-img-cosign-manifest-digest-error',
        cosignKey,
        /payload names sha256:634a8f35b5f1…, not this image/,
      ],
      ['dir-img-cosign-valid', cosign2Key, /verifies with none of the 1 key/],
      [
        'dir-img-cosign-other-attachment',
        cosignKey,
        /media type text\/plain is not a simple-signing payload/,
      ],
    ])('rejects %s', async (dir, keys, reason) => {
      const result = await verifyDirectoryImage(fixtures(dir), { keys });
      expect(result.verified).toBe(false);
      expect(result.results).toHaveLength(1);
      const outcome = result.results[0]!.outcome;
      expect(outcome.ok ? 'ok' : outcome.reason).toMatch(reason);
    });

    it('rejects the unknown-key signature placed beside a valid manifest', async () => {
      const { mkdtempSync, copyFileSync, rmSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const path = await import('node:path');
      const dir = mkdtempSync(path.join(tmpdir(), 'cosign-unknown-'));
      try {
        copyFileSync(fixtures('dir-img-cosign-valid', 'manifest.json'), path.join(dir, 'manifest.json'));
        copyFileSync(fixtures('unknown-cosign-key.signature'), path.join(dir, 'signature-1'));
        const result = await verifyDirectoryImage(dir, { keys: [...cosignKey, ...cosign2Key] });
        expect(result.verified).toBe(false);
        expect(result.results[0]!.outcome).toEqual({
          ok: false,
          identity: '192.168.64.2:5000/cosign-signed-single-sample',
          reason: 'signature verifies with none of the 2 key(s)',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('when required annotations are given', () => {
    it('passes only when the payload carries them', async () => {
      const ok = await verifyDirectoryImage(fixtures('dir-img-cosign-valid-with-tag'), {
        keys: cosignKey,
        annotations: { creator: 'containers/image 5.21.2-dev', timestamp: '1657296609' },
      });
      const bad = await verifyDirectoryImage(fixtures('dir-img-cosign-valid'), {
        keys: cosignKey,
        annotations: { creator: 'ci' },
      });
      expect([ok.verified, bad.results[0]!.outcome]).toEqual([
        true,
        {
          ok: false,
          identity: '192.168.64.2:5000/cosign-signed-single-sample',
          reason: 'annotation creator=ci required, absent',
        },
      ]);
    });
  });
});
