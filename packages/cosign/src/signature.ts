import { sign, verify } from 'node:crypto';
import type { PublicKey, SigningKey } from './keys';

/**
 * Signs bytes the way `cosign verify --key` checks them by default: ECDSA over SHA-256 (ASN.1 DER),
 * whatever the curve, and pure Ed25519.
 */
export function signBytes(key: SigningKey, data: Buffer): Buffer {
  if (key.algorithm === 'ed25519') return sign(null, data, key.privateKey);
  return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' });
}

/**
 * True when `signature` (DER ECDSA or Ed25519) verifies over `data` with `key`. ECDSA P-384 also
 * accepts SHA-384 (what `cosign sign` uses for P-384 keys by default).
 */
export function verifyBytes(key: PublicKey, data: Buffer, signature: Buffer): boolean {
  try {
    if (key.algorithm === 'ed25519') return verify(null, data, key.key, signature);
    const hashes = key.algorithm === 'ecdsa-p384' ? ['sha256', 'sha384'] : ['sha256'];
    return hashes.some((hash) => verify(hash, data, { key: key.key, dsaEncoding: 'der' }, signature));
  } catch {
    return false;
  }
}

/** The first key that verifies the signature, or undefined. */
export function findVerifyingKey(
  keys: readonly PublicKey[],
  data: Buffer,
  signature: Buffer,
): PublicKey | undefined {
  return keys.find((key) => verifyBytes(key, data, signature));
}
