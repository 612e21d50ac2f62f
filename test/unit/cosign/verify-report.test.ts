import { describe, expect, it } from 'vitest';
import { GateError } from '@sovereign-ci/action-kit';
import { verificationFailure, verificationMarkdown, type ImageVerification } from '@sovereign-ci/cosign';

const digest = 'sha256:' + 'ab'.repeat(32);
const passed: ImageVerification = {
  image: 'r.lab/app:1',
  reference: `r.lab/app@${digest}`,
  digest,
  verified: true,
  findings: [{ format: 'legacy', location: 'r.lab/app:sha256-ab.sig#1', ok: true, detail: 'key 1' }],
};
const unsigned: ImageVerification = { ...passed, image: 'r.lab/other:1', verified: false, findings: [] };

describe('verificationFailure', () => {
  describe('when every image verified', () => {
    it('returns undefined', () => {
      expect(verificationFailure([passed])).toBeUndefined();
    });
  });

  describe('when an image has no valid signature', () => {
    it('is a GateError naming it, with the table of what was found', () => {
      const error = verificationFailure([passed, unsigned]);
      expect(error).toBeInstanceOf(GateError);
      expect(error!.message.split('\n')).toEqual([
        '1 of 2 image(s) have no valid signature: r.lab/other:1',
        'image          digest                format  signature                  result',
        '-------------  --------------------  ------  -------------------------  ----------------------------------------------------------',
        'r.lab/app:1    sha256:abababababab…  legacy  r.lab/app:sha256-ab.sig#1  ok: key 1',
        'r.lab/other:1  sha256:abababababab…  -       -                          FAIL: no signature found (no .sig tag, no bundle referrer)',
      ]);
    });
  });
});

describe('verificationMarkdown', () => {
  describe('when an image could not be read', () => {
    it('shows the problem', () => {
      const missing: ImageVerification = { ...unsigned, digest: '-', problem: 'image not found' };
      expect(verificationMarkdown([missing]).split('\n')[2]).toBe(
        '| r.lab/other:1 | - | - | - | FAIL: image not found |',
      );
    });
  });
});
