import { parseBundle } from './bundle';
import { cosignSignPredicateType, inTotoPayloadType, parseStatement, preAuthEncoding } from './dsse';
import type { PublicKey } from './keys';
import { signatureAnnotation } from './legacy';
import { cosignSignatureType, parseSimpleSigning, simpleSigningMediaType } from './payload';
import { findVerifyingKey } from './signature';

export interface VerifyCriteria {
  keys: readonly PublicKey[];
  /** The image's own manifest digest; the payload must name it. */
  digest: string;
  /** `k=v` pairs the signed payload must carry (in `optional`, or the statement subject's annotations). */
  annotations?: Readonly<Record<string, string>>;
}

export type Outcome =
  { ok: true; keyIndex: number; identity?: string } | { ok: false; reason: string; identity?: string };

function annotationMismatch(
  required: Readonly<Record<string, string>> | undefined,
  found: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  for (const [key, value] of Object.entries(required ?? {})) {
    const actual = found?.[key];
    const text =
      actual === undefined ? undefined : typeof actual === 'string' ? actual : JSON.stringify(actual);
    if (text !== value) {
      return `annotation ${key}=${value} required, ${text === undefined ? 'absent' : `found ${key}=${text}`}`;
    }
  }
  return undefined;
}

function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

export interface SimpleSigningLayer {
  mediaType: string;
  payload: Buffer;
  annotations?: Readonly<Record<string, string>>;
}

/** Checks one legacy (`.sig` layer) signature: media type, signature, payload type, digest, annotations. */
export function verifySimpleSigning(layer: SimpleSigningLayer, criteria: VerifyCriteria): Outcome {
  if (layer.mediaType !== simpleSigningMediaType) {
    return { ok: false, reason: `media type ${layer.mediaType} is not a simple-signing payload` };
  }
  const encoded = layer.annotations?.[signatureAnnotation];
  if (encoded === undefined || encoded === '')
    return { ok: false, reason: `no ${signatureAnnotation} annotation` };
  const payload = parseSimpleSigning(layer.payload);
  const identity = payload?.dockerReference;
  const key = findVerifyingKey(criteria.keys, layer.payload, Buffer.from(encoded, 'base64'));
  if (!key) {
    return {
      ok: false,
      identity,
      reason: `signature verifies with none of the ${criteria.keys.length} key(s)`,
    };
  }
  if (!payload) return { ok: false, reason: 'the signed payload is not a simple-signing JSON object' };
  if (payload.type !== cosignSignatureType) {
    return { ok: false, identity, reason: `payload type '${payload.type}' is not '${cosignSignatureType}'` };
  }
  if (payload.digest !== criteria.digest) {
    return { ok: false, identity, reason: `payload names ${short(payload.digest)}, not this image` };
  }
  const mismatch = annotationMismatch(criteria.annotations, payload.optional);
  if (mismatch) return { ok: false, identity, reason: mismatch };
  return { ok: true, identity, keyIndex: criteria.keys.indexOf(key) };
}

/** Checks one Sigstore bundle (DSSE over an in-toto statement naming the digest). */
export function verifyBundle(bytes: Buffer, criteria: VerifyCriteria): Outcome {
  const bundle = parseBundle(bytes);
  if (!bundle) return { ok: false, reason: 'not a Sigstore bundle (JSON with mediaType)' };
  if (!bundle.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    return { ok: false, reason: `bundle media type ${bundle.mediaType} is not a Sigstore bundle` };
  }
  const envelope = bundle.dsseEnvelope;
  if (!envelope)
    return {
      ok: false,
      reason: 'bundle holds no DSSE envelope (message signatures are not image signatures)',
    };
  if (envelope.payloadType !== inTotoPayloadType) {
    return { ok: false, reason: `DSSE payload type ${envelope.payloadType} is not ${inTotoPayloadType}` };
  }
  const payload = Buffer.from(envelope.payload ?? '', 'base64');
  const pae = preAuthEncoding(envelope.payloadType, payload);
  let key: PublicKey | undefined;
  for (const signature of envelope.signatures ?? []) {
    key = findVerifyingKey(criteria.keys, pae, Buffer.from(signature.sig ?? '', 'base64'));
    if (key) break;
  }
  if (!key)
    return { ok: false, reason: `signature verifies with none of the ${criteria.keys.length} key(s)` };
  const statement = parseStatement(payload);
  if (!statement) return { ok: false, reason: 'the signed payload is not an in-toto statement' };
  if (statement.predicateType !== cosignSignPredicateType) {
    return {
      ok: false,
      reason: `predicate type ${String(statement.predicateType)} is not ${cosignSignPredicateType}`,
    };
  }
  const colon = criteria.digest.indexOf(':');
  const algorithm = criteria.digest.slice(0, colon);
  const hex = criteria.digest.slice(colon + 1);
  const subject = (statement.subject ?? []).find((entry) => entry.digest?.[algorithm] === hex);
  if (!subject) {
    const named = (statement.subject ?? [])
      .map((entry) => Object.entries(entry.digest ?? {}).map(([a, h]) => `${a}:${h}`))
      .flat();
    return {
      ok: false,
      reason: `statement names ${named.map(short).join(', ') || 'no digest'}, not this image`,
    };
  }
  const mismatch = annotationMismatch(criteria.annotations, subject.annotations);
  if (mismatch) return { ok: false, reason: mismatch };
  return { ok: true, keyIndex: criteria.keys.indexOf(key) };
}
