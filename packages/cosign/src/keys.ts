import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { decryptWithPassword, encryptWithPassword } from './encrypted';
import { KeyError } from './errors';
import { decodePemBlocks, encodePem } from './pem';

export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519';

export const sigstorePrivateKeyPemType = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const cosignPrivateKeyPemType = 'ENCRYPTED COSIGN PRIVATE KEY';

export interface PublicKey {
  algorithm: KeyAlgorithm;
  key: KeyObject;
  /** PEM `PUBLIC KEY` (PKIX), as cosign writes `cosign.pub`. */
  pem: string;
  /** base64(sha256(PKIX DER)): the Sigstore bundle's `publicKey.hint`, as cosign computes it. */
  hint: string;
}

export interface SigningKey {
  algorithm: KeyAlgorithm;
  privateKey: KeyObject;
  publicKey: PublicKey;
}

function algorithmOf(key: KeyObject): KeyAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ecdsa-p256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ecdsa-p384';
    throw new KeyError(`unsupported ECDSA curve ${String(curve)}: use P-256 (cosign's default) or P-384`);
  }
  throw new KeyError(
    `unsupported key type '${String(key.asymmetricKeyType)}': ECDSA P-256, ECDSA P-384 and Ed25519 are supported`,
  );
}

function publicKeyOf(key: KeyObject): PublicKey {
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    algorithm: algorithmOf(key),
    key,
    pem: encodePem('PUBLIC KEY', der),
    hint: createHash('sha256').update(der).digest('base64'),
  };
}

/** Names the DER structure that is not PKCS#8, for an error message. */
function describeNonPkcs8(der: Buffer): string {
  const attempts: [string, 'sec1' | 'pkcs1'][] = [
    ["a SEC1 'EC PRIVATE KEY' (RFC 5915)", 'sec1'],
    ["a PKCS#1 'RSA PRIVATE KEY'", 'pkcs1'],
  ];
  for (const [name, type] of attempts) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return name;
    } catch {
      // try the next format
    }
  }
  return `${der.length} bytes that are no known private key structure`;
}

function parsePkcs8(der: Buffer, where: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new KeyError(
      `${where} holds ${describeNonPkcs8(der)}, not a PKCS#8 private key; cosign rejects it too ` +
        `(convert it with 'openssl pkcs8 -topk8' and 'cosign import-key-pair')`,
      { cause: error },
    );
  }
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicKey = publicKeyOf(createPublicKey(privateKey));
  return { algorithm: publicKey.algorithm, privateKey, publicKey };
}

/**
 * Loads a private key: cosign's encrypted PEM (`ENCRYPTED SIGSTORE PRIVATE KEY` or the older
 * `ENCRYPTED COSIGN PRIVATE KEY`), decrypted with `password` (empty when unset, as cosign does), or
 * an unencrypted PKCS#8 `PRIVATE KEY`.
 */
export async function loadPrivateKey(pemText: string, password = ''): Promise<SigningKey> {
  const blocks = decodePemBlocks(pemText);
  const block = blocks[0];
  if (!block) throw new KeyError('the key is not PEM: no -----BEGIN …----- block found');
  if (block.type === sigstorePrivateKeyPemType || block.type === cosignPrivateKeyPemType) {
    const der = await decryptWithPassword(block.bytes, password);
    return signingKeyOf(parsePkcs8(der, `the encrypted '${block.type}'`));
  }
  if (block.type === 'PRIVATE KEY') return signingKeyOf(parsePkcs8(block.bytes, "the 'PRIVATE KEY' block"));
  if (block.type === 'ENCRYPTED PRIVATE KEY') {
    throw new KeyError(
      "an 'ENCRYPTED PRIVATE KEY' (PKCS#8 with PBES2) is not a cosign key; use cosign's format",
    );
  }
  throw new KeyError(
    `unsupported PEM block '${block.type}': expected '${sigstorePrivateKeyPemType}', ` +
      `'${cosignPrivateKeyPemType}' or an unencrypted PKCS#8 'PRIVATE KEY'`,
  );
}

/** Loads every `PUBLIC KEY` PEM in `pemText` (one file may hold several). */
export function loadPublicKeys(pemText: string): PublicKey[] {
  const blocks = decodePemBlocks(pemText);
  if (blocks.length === 0) throw new KeyError('no PEM block found where public keys were expected');
  return blocks.map((block) => {
    if (block.type !== 'PUBLIC KEY') {
      throw new KeyError(`expected a 'PUBLIC KEY' PEM block, found '${block.type}'`);
    }
    try {
      return publicKeyOf(createPublicKey({ key: block.bytes, format: 'der', type: 'spki' }));
    } catch (error) {
      if (error instanceof KeyError) throw error;
      throw new KeyError('a PUBLIC KEY block does not parse as PKIX', { cause: error });
    }
  });
}

export interface GeneratedKeyPair {
  /** `ENCRYPTED SIGSTORE PRIVATE KEY` PEM, as `cosign generate-key-pair` writes `cosign.key`. */
  privateKeyPem: string;
  /** `PUBLIC KEY` PEM, as cosign writes `cosign.pub`. */
  publicKeyPem: string;
}

export interface GenerateKeyPairOptions {
  algorithm?: KeyAlgorithm;
  /** scrypt cost; cosign (go-securesystemslib Standard) uses 65536. */
  scryptN?: number;
}

/** A new key pair in cosign's format (ECDSA P-256 and scrypt N=65536 by default). */
export async function generateKeyPair(
  password: string,
  options: GenerateKeyPairOptions = {},
): Promise<GeneratedKeyPair> {
  const algorithm = options.algorithm ?? 'ecdsa-p256';
  const { privateKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: algorithm === 'ecdsa-p384' ? 'P-384' : 'P-256' });
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const body = await encryptWithPassword(der, password, options.scryptN ?? 65536);
  return {
    privateKeyPem: encodePem(sigstorePrivateKeyPemType, body),
    publicKeyPem: publicKeyOf(createPublicKey(privateKey)).pem,
  };
}
