import { randomBytes, scrypt } from 'node:crypto';
import nacl from 'tweetnacl';
import { KeyError } from './errors';

/**
 * go-securesystemslib's `encrypted` format, which cosign uses for its private keys: scrypt derives a
 * 32-byte key from the password, NaCl secretbox seals the plaintext. The JSON body is
 * `{"kdf":{"name":"scrypt","params":{"N":…,"r":8,"p":1},"salt":…},"cipher":{"name":"nacl/secretbox","nonce":…},"ciphertext":…}`
 * with base64 byte fields.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The only parameter sets go-securesystemslib accepts (Legacy, Standard = default, OWASP). */
export const scryptParameterSets: readonly ScryptParams[] = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
];

const saltSize = 32;
const keySize = 32;
const nonceSize = nacl.secretbox.nonceLength;

/** scrypt as Go's x/crypto/scrypt computes it; maxmem raised so N=131072 (128 MiB) fits. */
export function scryptKey(password: string | Buffer, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const maxmem = 128 * params.N * params.r * params.p + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keySize, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function encryptWithPassword(plaintext: Buffer, password: string, N = 65536): Promise<Buffer> {
  const params = scryptParameterSets.find((set) => set.N === N);
  if (!params) throw new KeyError(`scrypt N must be 32768, 65536 or 131072, got ${N}`);
  const salt = randomBytes(saltSize);
  const nonce = randomBytes(nonceSize);
  const key = await scryptKey(password, salt, params);
  const sealed = Buffer.from(nacl.secretbox(plaintext, nonce, key));
  const body = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: sealed.toString('base64'),
  };
  return Buffer.from(JSON.stringify(body));
}

interface EncryptedBody {
  kdf?: { name?: unknown; params?: { N?: unknown; r?: unknown; p?: unknown }; salt?: unknown };
  cipher?: { name?: unknown; nonce?: unknown };
  ciphertext?: unknown;
}

function bytesField(value: unknown, what: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new KeyError(`the encrypted key's ${what} is not base64`);
  }
  return Buffer.from(value, 'base64');
}

/** Decrypts; a wrong password is a KeyError saying so. */
export async function decryptWithPassword(body: Buffer, password: string): Promise<Buffer> {
  let data: EncryptedBody;
  try {
    data = JSON.parse(body.toString('utf8')) as EncryptedBody;
  } catch (error) {
    throw new KeyError('the encrypted key body is not JSON (is the PEM truncated?)', { cause: error });
  }
  if (data?.kdf?.name !== 'scrypt') throw new KeyError(`unknown key derivation '${String(data?.kdf?.name)}'`);
  if (data.cipher?.name !== 'nacl/secretbox') {
    throw new KeyError(`unknown cipher '${String(data.cipher?.name)}'`);
  }
  const { N, r, p } = data.kdf.params ?? {};
  const params = scryptParameterSets.find((set) => set.N === N && set.r === r && set.p === p);
  if (!params) {
    throw new KeyError(`unsupported scrypt parameters N=${String(N)} r=${String(r)} p=${String(p)}`);
  }
  const salt = bytesField(data.kdf.salt, 'salt');
  const nonce = bytesField(data.cipher.nonce, 'nonce');
  const ciphertext = bytesField(data.ciphertext, 'ciphertext');
  if (nonce.length !== nonceSize)
    throw new KeyError(`the encrypted key's nonce is ${nonce.length} bytes, not 24`);
  const key = await scryptKey(password, salt, params);
  const opened = nacl.secretbox.open(ciphertext, nonce, key);
  if (!opened) throw new KeyError('wrong password: the private key did not decrypt');
  return Buffer.from(opened);
}
