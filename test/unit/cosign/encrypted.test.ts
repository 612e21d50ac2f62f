import { describe, expect, it } from 'vitest';
import { decryptWithPassword, encryptWithPassword } from '@sovereign-ci/cosign';

// Vectors from go-securesystemslib encrypted/encrypted_test.go (Apache-2.0): kdfVectors and TestDecrypt.
const kdfVectors: [string, string][] = [
  [
    'Legacy N=32768',
    '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA="},"cipher":{"name":"nacl/secretbox","nonce":"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX"},"ciphertext":"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw="}',
  ],
  [
    'Standard N=65536',
    '{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}',
  ],
  [
    'OWASP N=131072',
    '{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="}',
  ],
];

describe('decryptWithPassword', () => {
  describe("when given go-securesystemslib's vectors", () => {
    it.each(kdfVectors)('decrypts the %s vector', async (_name, body) => {
      const plaintext = await decryptWithPassword(Buffer.from(body), 'supersecret');
      // Marshal()ed: JSON of base64("reallyimportant").
      expect(plaintext.toString()).toBe(`"${Buffer.from('reallyimportant').toString('base64')}"`);
    });

    it('decrypts the TestDecrypt vector to the raw plaintext', async () => {
      const body =
        '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}';
      expect((await decryptWithPassword(Buffer.from(body), 'supersecret')).toString()).toBe(
        'reallyimportant',
      );
    });
  });

  describe('when the ciphertext was tampered with', () => {
    it('fails as a wrong password would', async () => {
      const sealed = JSON.parse((await encryptWithPassword(Buffer.from('x'), 'pw', 32768)).toString()) as {
        ciphertext: string;
      };
      const bytes = Buffer.from(sealed.ciphertext, 'base64');
      bytes[0] = bytes[0]! ^ 0xff;
      sealed.ciphertext = bytes.toString('base64');
      await expect(decryptWithPassword(Buffer.from(JSON.stringify(sealed)), 'pw')).rejects.toThrow(
        /wrong password/,
      );
    });
  });

  describe('when the body names another cipher', () => {
    it('names it', async () => {
      const body = Buffer.from('{"kdf":{"name":"scrypt"},"cipher":{"name":"aes-gcm"}}');
      await expect(decryptWithPassword(body, 'pw')).rejects.toThrow("unknown cipher 'aes-gcm'");
    });
  });
});

describe('encryptWithPassword', () => {
  describe('when given go-securesystemslib field layout expectations', () => {
    it('writes kdf, cipher, ciphertext in that order with Go field names', async () => {
      const body = (await encryptWithPassword(Buffer.from('x'), 'pw', 32768)).toString();
      expect(body).toMatch(
        /^\{"kdf":\{"name":"scrypt","params":\{"N":32768,"r":8,"p":1\},"salt":"[A-Za-z0-9+/]{43}="\},"cipher":\{"name":"nacl\/secretbox","nonce":"[A-Za-z0-9+/]{32}"\},"ciphertext":"[A-Za-z0-9+/=]+"\}$/,
      );
    });
  });
});
