import { goJsonString, goJsonValue, goSortedKeys } from './go-json';

export const simpleSigningMediaType = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const cosignSignatureType = 'cosign container image signature';

export interface SimpleSigningInput {
  /** `critical.identity.docker-reference`: the repository, as cosign names it (see `cosignIdentity`). */
  dockerReference: string;
  /** `critical.image.docker-manifest-digest`. */
  digest: string;
  /** `optional`; null when absent or empty, as cosign writes it without `-a`. */
  annotations?: Readonly<Record<string, unknown>>;
}

/**
 * The simple-signing payload byte for byte as cosign (sigstore's payload.Cosign.MarshalJSON) writes it:
 * Go field order, sorted `optional` keys, Go string escaping, no trailing newline.
 */
export function simpleSigningPayload(input: SimpleSigningInput): Buffer {
  const annotations = input.annotations;
  const optional = annotations && goSortedKeys(annotations).length > 0 ? goJsonValue(annotations) : 'null';
  const text =
    `{"critical":{"identity":{"docker-reference":${goJsonString(input.dockerReference)}},` +
    `"image":{"docker-manifest-digest":${goJsonString(input.digest)}},` +
    `"type":${goJsonString(cosignSignatureType)}},"optional":${optional}}`;
  return Buffer.from(text, 'utf8');
}

export interface SimpleSigningPayload {
  dockerReference: string;
  digest: string;
  type: string;
  optional: Record<string, unknown> | null;
}

/** Parses a payload; undefined when it is not a simple-signing JSON object. */
export function parseSimpleSigning(bytes: Buffer): SimpleSigningPayload | undefined {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const critical = (data as { critical?: unknown }).critical as
    | {
        identity?: { 'docker-reference'?: unknown };
        image?: { 'docker-manifest-digest'?: unknown };
        type?: unknown;
      }
    | undefined;
  if (typeof critical !== 'object' || critical === null) return undefined;
  const optional = (data as { optional?: unknown }).optional;
  return {
    dockerReference: String(critical.identity?.['docker-reference'] ?? ''),
    digest: String(critical.image?.['docker-manifest-digest'] ?? ''),
    type: String(critical.type ?? ''),
    optional:
      typeof optional === 'object' && optional !== null ? (optional as Record<string, unknown>) : null,
  };
}
