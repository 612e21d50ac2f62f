import { goJsonString, goJsonValue } from './go-json';

export const inTotoPayloadType = 'application/vnd.in-toto+json';
export const inTotoStatementType = 'https://in-toto.io/Statement/v1';
export const cosignSignPredicateType = 'https://sigstore.dev/cosign/sign/v1';

/** DSSE pre-authentication encoding: `DSSEv1 <len(type)> <type> <len(body)> <body>` (lengths in bytes). */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

/**
 * The in-toto statement `cosign sign --new-bundle-format` signs: one subject carrying the image digest
 * (and the `-a` annotations), predicate type https://sigstore.dev/cosign/sign/v1, empty predicate.
 * Field order follows protojson (field numbers), as cosign marshals it.
 */
export function cosignSignStatement(digest: string, annotations?: Readonly<Record<string, string>>): Buffer {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const subject =
    `{"digest":{${goJsonString(algorithm)}:${goJsonString(hex)}},` +
    `"annotations":${goJsonValue(annotations ?? {})}}`;
  return Buffer.from(
    `{"_type":${goJsonString(inTotoStatementType)},"subject":[${subject}],` +
      `"predicateType":${goJsonString(cosignSignPredicateType)},"predicate":{}}`,
    'utf8',
  );
}

export interface InTotoSubject {
  name?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface InTotoStatement {
  _type?: string;
  subject?: InTotoSubject[];
  predicateType?: string;
  predicate?: unknown;
}

export function parseStatement(bytes: Buffer): InTotoStatement | undefined {
  try {
    const data = JSON.parse(bytes.toString('utf8')) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as InTotoStatement)
      : undefined;
  } catch {
    return undefined;
  }
}
