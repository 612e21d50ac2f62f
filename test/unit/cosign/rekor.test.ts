import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RekorClient,
  RekorError,
  rekorBundleJson,
  signBytes,
  type SigningKey,
  type TlogEntry,
} from '@sovereign-ci/cosign';
import { canonicalJson, startRekorFake, type RekorFake } from '../../harness/rekor-fake';

function ecdsaKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    algorithm: 'ecdsa-p256',
    privateKey,
    publicKey: {
      algorithm: 'ecdsa-p256',
      key: publicKey,
      pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      hint: createHash('sha256').update(der).digest('base64'),
    },
  };
}

describe('RekorClient', () => {
  let fake: RekorFake;
  let rekor: RekorClient;
  const key = ecdsaKey();
  const payload = Buffer.from('{"critical":{},"optional":null}');
  const signature = signBytes(key, payload);

  beforeAll(async () => {
    fake = await startRekorFake();
    rekor = new RekorClient({ url: `${fake.url}/`, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await rekor?.close();
    await fake?.stop();
  });

  describe('when recording a new hashedrekord entry', () => {
    let entry: TlogEntry;
    beforeAll(async () => {
      entry = await rekor.uploadHashedRekord({ signature, publicKeyPem: key.publicKey.pem, payload });
    });

    it('POSTs the proposal the fake accepts, with a body naming the signature, key and payload hash', () => {
      expect(fake.requests).toEqual([
        { method: 'POST', path: '/api/v1/log/entries', contentType: 'application/json', status: 201 },
      ]);
      expect(JSON.parse(Buffer.from(entry.body, 'base64').toString())).toEqual({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
          signature: {
            content: signature.toString('base64'),
            publicKey: { content: Buffer.from(key.publicKey.pem).toString('base64') },
          },
        },
      });
      expect({ logID: entry.logID, logIndex: entry.logIndex, uuid: entry.uuid.length }).toEqual({
        logID: fake.logID,
        logIndex: 0,
        uuid: 80,
      });
    });

    it('makes the cosign bundle annotation in Go field order, whose SET verifies with the log key', () => {
      const annotation = rekorBundleJson(entry);
      expect(annotation).toBe(
        `{"SignedEntryTimestamp":"${entry.signedEntryTimestamp}","Payload":{"body":"${entry.body}",` +
          `"integratedTime":${entry.integratedTime},"logIndex":0,"logID":"${fake.logID}"}}`,
      );
      const parsed = JSON.parse(annotation) as { SignedEntryTimestamp: string; Payload: unknown };
      const signed = Buffer.from(canonicalJson(parsed.Payload));
      const logKey = createPublicKey(fake.publicKeyPem);
      expect(verify('sha256', signed, logKey, Buffer.from(parsed.SignedEntryTimestamp, 'base64'))).toBe(true);
      expect(
        verify('sha256', Buffer.from('x'), logKey, Buffer.from(parsed.SignedEntryTimestamp, 'base64')),
      ).toBe(false);
    });
  });

  describe('when the log already holds the entry (409 Conflict)', () => {
    it('fetches the existing entry from the Location header, as cosign does', async () => {
      const first = fake.entries[0]!;
      fake.requests.length = 0;
      const again = await rekor.uploadHashedRekord({ signature, publicKeyPem: key.publicKey.pem, payload });
      expect(fake.requests.map((r) => [r.method, r.path, r.status])).toEqual([
        ['POST', '/api/v1/log/entries', 409],
        ['GET', `/api/v1/log/entries/${first.entryId}`, 200],
      ]);
      expect({ uuid: again.uuid, logIndex: again.logIndex, body: again.body }).toEqual({
        uuid: first.entryId,
        logIndex: 0,
        body: first.body,
      });
    });
  });

  describe('when the log fails or refuses', () => {
    it.each([
      [503, /HTTP 503: error communicating with backend/],
      [500, /HTTP 500: error communicating with backend/],
    ])('turns HTTP %i into a RekorError that carries no key material', async (status, message) => {
      fake.failWith = status;
      try {
        const error = await rekor
          .uploadHashedRekord({ signature, publicKeyPem: key.publicKey.pem, payload })
          .then(
            () => undefined,
            (e: unknown) => e as Error,
          );
        expect(error).toBeInstanceOf(RekorError);
        expect(error?.message).toMatch(message);
        expect(error?.message).not.toContain(signature.toString('base64'));
        expect(error?.message).not.toContain(Buffer.from(key.publicKey.pem).toString('base64'));
      } finally {
        fake.failWith = undefined;
      }
    });

    it('reports the fake’s validation message for a proposal Rekor would reject', async () => {
      const error = await rekor.uploadHashedRekord({ signature, publicKeyPem: 'not a pem', payload }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/HTTP 400: the public key is not a PEM PUBLIC KEY$/);
    });

    it('says so when nothing listens', async () => {
      const closed = await startRekorFake();
      await closed.stop();
      const client = new RekorClient({ url: closed.url, timeoutMs: 2000 });
      const error = await client
        .uploadHashedRekord({ signature, publicKeyPem: key.publicKey.pem, payload })
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      await client.close();
      expect(error).toBeInstanceOf(RekorError);
      expect(error?.message).toMatch(new RegExp(`^POST ${closed.url}/api/v1/log/entries failed: `));
    });
  });
});
