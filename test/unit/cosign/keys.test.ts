import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  KeyError,
  loadPrivateKey,
  loadPublicKeys,
  signBytes,
  verifyBytes,
} from '@sovereign-ci/cosign';
import { fixturePath } from '../../harness/fixtures';

const read = (...parts: string[]) => readFileSync(fixturePath('cosign', ...parts), 'utf8');

describe('loadPrivateKey', () => {
  describe("when given cosign's own encrypted test keys (password 'hello')", () => {
    it.each([
      ['keys_test.pemcosignkey.pem', 'keys_test.pemcosignkey.pub.pem'],
      ['keys_test.pemsigstorekey.pem', 'keys_test.pemsigstorekey.pub.pem'],
    ])('decrypts %s to the key whose public half is derived/%s', async (keyFile, pubFile) => {
      const key = await loadPrivateKey(read('cosign-repo', keyFile), 'hello');
      expect({ algorithm: key.algorithm, pem: key.publicKey.pem }).toEqual({
        algorithm: 'ecdsa-p256',
        pem: read('derived', pubFile),
      });
    });

    it('produces signatures the derived public key verifies', async () => {
      const key = await loadPrivateKey(read('cosign-repo', 'keys_test.pemsigstorekey.pem'), 'hello');
      const [publicKey] = loadPublicKeys(read('derived', 'keys_test.pemsigstorekey.pub.pem'));
      const data = Buffer.from('payload');
      expect(verifyBytes(publicKey!, data, signBytes(key, data))).toBe(true);
      expect(verifyBytes(publicKey!, Buffer.from('other'), signBytes(key, data))).toBe(false);
    });
  });

  describe('when the envelope holds a SEC1 EC PRIVATE KEY (pemcosigneckey)', () => {
    it('refuses it and names what it found', async () => {
      const error = await loadPrivateKey(read('cosign-repo', 'keys_test.pemcosigneckey.pem'), 'hello').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KeyError);
      expect((error as Error).message).toMatch(/SEC1 'EC PRIVATE KEY'.*not a PKCS#8 private key/);
    });
  });

  describe('when the password is wrong', () => {
    it.each([
      ['keys_test.pemsigstorekey.pem', 'not-hello'],
      ['keys_test.pemcosignkey.pem', ''],
      ['cosign-test.key', 'hello'],
    ])('says so for %s', async (file, password) => {
      await expect(loadPrivateKey(read('cosign-repo', file), password)).rejects.toThrow(
        new KeyError('wrong password: the private key did not decrypt'),
      );
    });
  });

  describe('when the key is in another format', () => {
    it.each([
      ['no PEM at all', 'just text', /not PEM/],
      [
        'a public key',
        read('derived', 'keys_test.pemcosignkey.pub.pem'),
        /unsupported PEM block 'PUBLIC KEY'/,
      ],
      [
        'a plain SEC1 key',
        '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n',
        /unsupported PEM block 'EC PRIVATE KEY'/,
      ],
    ])('rejects %s', async (_name, pem, pattern) => {
      await expect(loadPrivateKey(pem)).rejects.toThrow(pattern);
    });

    it('refuses scrypt parameters go-securesystemslib does not allow', async () => {
      const body = Buffer.from(
        JSON.stringify({
          kdf: { name: 'scrypt', params: { N: 1024, r: 8, p: 1 }, salt: '' },
          cipher: { name: 'nacl/secretbox', nonce: '' },
          ciphertext: '',
        }),
      ).toString('base64');
      const pem = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${body}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
      await expect(loadPrivateKey(pem, 'x')).rejects.toThrow('unsupported scrypt parameters N=1024 r=8 p=1');
    });
  });

  describe('when given an unencrypted PKCS#8 key', () => {
    it.each(['ecdsa-p256', 'ecdsa-p384', 'ed25519'] as const)('loads %s', async (algorithm) => {
      const { generateKeyPairSync } = await import('node:crypto');
      const pair =
        algorithm === 'ed25519'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('ec', { namedCurve: algorithm === 'ecdsa-p256' ? 'P-256' : 'P-384' });
      const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const key = await loadPrivateKey(pem);
      expect({ algorithm: key.algorithm, pem: key.publicKey.pem }).toEqual({
        algorithm,
        pem: pair.publicKey.export({ type: 'spki', format: 'pem' }),
      });
    });
  });
});

describe('generateKeyPair', () => {
  describe('when asked for a default key pair', () => {
    it('writes an ENCRYPTED SIGSTORE PRIVATE KEY with scrypt N=65536 that decrypts to the public key', async () => {
      const pair = await generateKeyPair('s3cret');
      const body = JSON.parse(
        Buffer.from(pair.privateKeyPem.split('\n').slice(1, -2).join(''), 'base64').toString('utf8'),
      ) as { kdf: { name: string; params: unknown; salt: string }; cipher: { name: string; nonce: string } };
      expect({
        firstLine: pair.privateKeyPem.split('\n')[0],
        kdf: {
          name: body.kdf.name,
          params: body.kdf.params,
          salt: Buffer.from(body.kdf.salt, 'base64').length,
        },
        cipher: { name: body.cipher.name, nonce: Buffer.from(body.cipher.nonce, 'base64').length },
      }).toEqual({
        firstLine: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
        kdf: { name: 'scrypt', params: { N: 65536, r: 8, p: 1 }, salt: 32 },
        cipher: { name: 'nacl/secretbox', nonce: 24 },
      });
      const key = await loadPrivateKey(pair.privateKeyPem, 's3cret');
      expect({ algorithm: key.algorithm, pem: key.publicKey.pem }).toEqual({
        algorithm: 'ecdsa-p256',
        pem: pair.publicKeyPem,
      });
    });
  });

  describe('when asked for Ed25519 with an empty password', () => {
    it('round-trips', async () => {
      const pair = await generateKeyPair('', { algorithm: 'ed25519', scryptN: 32768 });
      const key = await loadPrivateKey(pair.privateKeyPem, '');
      expect(key.algorithm).toBe('ed25519');
      await expect(loadPrivateKey(pair.privateKeyPem, 'x')).rejects.toThrow(/wrong password/);
    });
  });
});

describe('loadPublicKeys', () => {
  describe('when a text holds several PEM public keys', () => {
    it('loads each, with the hint cosign puts in bundles', () => {
      const keys = loadPublicKeys(
        read('containers-image/fixtures/cosign.pub') + read('containers-image/fixtures/cosign2.pub'),
      );
      expect(keys.map((key) => key.algorithm)).toEqual(['ecdsa-p256', 'ecdsa-p256']);
      expect(keys[0]!.hint).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    });
  });

  describe('when the text holds a private key', () => {
    it('refuses it', () => {
      expect(() => loadPublicKeys(read('cosign-repo', 'keys_test.pemcosignkey.pem'))).toThrow(
        "expected a 'PUBLIC KEY' PEM block, found 'ENCRYPTED COSIGN PRIVATE KEY'",
      );
    });
  });
});
