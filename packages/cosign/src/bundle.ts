import { cosignSignStatement, inTotoPayloadType, preAuthEncoding } from './dsse';
import type { SigningKey } from './keys';
import { signBytes } from './signature';

export const bundleMediaType = 'application/vnd.dev.sigstore.bundle.v0.3+json';

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: { sig: string; keyid?: string }[];
}

export interface SigstoreBundle {
  mediaType: string;
  verificationMaterial?: { publicKey?: { hint?: string }; [other: string]: unknown };
  dsseEnvelope?: DsseEnvelope;
  messageSignature?: unknown;
}

/**
 * A Sigstore bundle v0.3 as `cosign sign --new-bundle-format --key` writes it without a transparency
 * log: a DSSE envelope over the cosign-sign statement, the key's hint as verification material.
 */
export function createSignBundle(
  key: SigningKey,
  digest: string,
  annotations?: Readonly<Record<string, string>>,
): { bundle: SigstoreBundle; bytes: Buffer; statement: Buffer } {
  const statement = cosignSignStatement(digest, annotations);
  const signature = signBytes(key, preAuthEncoding(inTotoPayloadType, statement));
  const bundle: SigstoreBundle = {
    mediaType: bundleMediaType,
    verificationMaterial: { publicKey: { hint: key.publicKey.hint } },
    dsseEnvelope: {
      payload: statement.toString('base64'),
      payloadType: inTotoPayloadType,
      signatures: [{ sig: signature.toString('base64') }],
    },
  };
  return { bundle, bytes: Buffer.from(JSON.stringify(bundle), 'utf8'), statement };
}

export function parseBundle(bytes: Buffer): SigstoreBundle | undefined {
  try {
    const data = JSON.parse(bytes.toString('utf8')) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    return typeof (data as { mediaType?: unknown }).mediaType === 'string'
      ? (data as SigstoreBundle)
      : undefined;
  } catch {
    return undefined;
  }
}
