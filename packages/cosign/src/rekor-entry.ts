import { createHash } from 'node:crypto';
import { goJsonString } from './go-json';

/** The proposed entry POSTed to Rekor's createLogEntry: kind hashedrekord, apiVersion 0.0.1. */
export interface HashedRekordProposal {
  kind: 'hashedrekord';
  apiVersion: '0.0.1';
  spec: {
    signature: { content: string; publicKey: { content: string } };
    data: { hash: { algorithm: 'sha256'; value: string } };
  };
}

/** One entry of a Rekor LogEntry answer, as signing keeps it. */
export interface TlogEntry {
  /** The map key of the answer: the entry UUID (64 hex) or entry ID (80 hex: tree ID + UUID). */
  uuid: string;
  /** base64 of the canonicalized entry body. */
  body: string;
  integratedTime: number;
  logIndex: number;
  /** Hex SHA-256 of the log's public key (DER). */
  logID: string;
  /** base64 of the signed entry timestamp (`verification.signedEntryTimestamp`). */
  signedEntryTimestamp: string;
}

/** The hashedrekord v0.0.1 proposal for a detached signature over data whose SHA-256 is `sha256`. */
export function hashedRekordEntry(input: {
  signature: Buffer;
  publicKeyPem: string;
  sha256: string;
}): HashedRekordProposal {
  return {
    kind: 'hashedrekord',
    apiVersion: '0.0.1',
    spec: {
      signature: {
        content: input.signature.toString('base64'),
        publicKey: { content: Buffer.from(input.publicKeyPem, 'utf8').toString('base64') },
      },
      data: { hash: { algorithm: 'sha256', value: input.sha256 } },
    },
  };
}

/** RFC 6962 leaf hash of a base64 entry body, hex: what a Rekor entry UUID is. */
export function leafHash(base64Body: string): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(Buffer.from(base64Body, 'base64'))
    .digest('hex');
}

const isInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The single entry of a Rekor `LogEntry` map (uuid -> entry); throws saying what is missing. */
export function parseLogEntry(data: unknown): TlogEntry {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('expected an object');
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`expected one entry, got ${entries.length}`);
  const [uuid, value] = entries[0] as [string, unknown];
  if (!/^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/.test(uuid)) throw new Error(`bad entry UUID '${uuid}'`);
  const entry = value as {
    body?: unknown;
    integratedTime?: unknown;
    logIndex?: unknown;
    logID?: unknown;
    verification?: { signedEntryTimestamp?: unknown };
  };
  if (typeof entry !== 'object' || entry === null) throw new Error('the entry is not an object');
  if (typeof entry.body !== 'string' || entry.body === '') throw new Error('body is not a base64 string');
  if (!isInteger(entry.integratedTime)) throw new Error('integratedTime is not an integer');
  if (!isInteger(entry.logIndex)) throw new Error('logIndex is not an integer');
  if (typeof entry.logID !== 'string' || !/^[0-9a-fA-F]{64}$/.test(entry.logID))
    throw new Error('logID is not 64 hex digits');
  const set = entry.verification?.signedEntryTimestamp;
  if (typeof set !== 'string' || set === '') throw new Error('verification.signedEntryTimestamp is missing');
  return {
    uuid,
    body: entry.body,
    integratedTime: entry.integratedTime,
    logIndex: entry.logIndex,
    logID: entry.logID,
    signedEntryTimestamp: Buffer.from(set, 'base64').toString('base64'),
  };
}

/**
 * True when the entry's body records `proposal` (same signature, key and hash): a log must not
 * answer with, or a 409 must not point at, some other entry.
 */
export function recordsProposal(entry: TlogEntry, proposal: HashedRekordProposal): boolean {
  try {
    const body = JSON.parse(Buffer.from(entry.body, 'base64').toString('utf8')) as {
      kind?: unknown;
      spec?: {
        signature?: { content?: unknown; publicKey?: { content?: unknown } };
        data?: { hash?: { algorithm?: unknown; value?: unknown } };
      };
    };
    const spec = body.spec;
    return (
      body.kind === 'hashedrekord' &&
      spec?.signature?.content === proposal.spec.signature.content &&
      spec.signature.publicKey?.content === proposal.spec.signature.publicKey.content &&
      spec.data?.hash?.algorithm === 'sha256' &&
      spec.data.hash.value === proposal.spec.data.hash.value
    );
  } catch {
    return false;
  }
}

/** The layer annotation cosign attaches with a transparency-log entry (static.BundleAnnotationKey). */
export const rekorBundleAnnotation = 'dev.sigstore.cosign/bundle';

/**
 * The annotation value as cosign's `json.Marshal(bundle.RekorBundle)` writes it: Go field order,
 * `SignedEntryTimestamp` as base64 ([]byte), `Payload` = {body, integratedTime, logIndex, logID}.
 */
export function rekorBundleJson(entry: TlogEntry): string {
  return (
    `{"SignedEntryTimestamp":${goJsonString(entry.signedEntryTimestamp)},` +
    `"Payload":{"body":${goJsonString(entry.body)},"integratedTime":${entry.integratedTime},` +
    `"logIndex":${entry.logIndex},"logID":${goJsonString(entry.logID)}}}`
  );
}
