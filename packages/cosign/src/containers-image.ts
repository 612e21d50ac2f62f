import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { digestOf } from '@sovereign-ci/oci';
import type { SimpleSigningLayer } from './verify-signature';
import { verifySimpleSigning, type Outcome, type VerifyCriteria } from './verify-signature';

/** containers/image stores a cosign signature on disk as this prefix + JSON {mimeType, payload, annotations}. */
const sigstorePrefix = Buffer.from('\x00sigstore-json\n', 'latin1');

/** Parses one `signature-N` file of a containers/image `dir:` image; undefined when not a sigstore one. */
export function parseSigstoreSignatureFile(bytes: Buffer): SimpleSigningLayer | undefined {
  if (!bytes.subarray(0, sigstorePrefix.length).equals(sigstorePrefix)) return undefined;
  try {
    const data = JSON.parse(bytes.subarray(sigstorePrefix.length).toString('utf8')) as {
      mimeType?: unknown;
      payload?: unknown;
      annotations?: unknown;
    };
    return {
      mediaType: String(data.mimeType ?? ''),
      payload: Buffer.from(typeof data.payload === 'string' ? data.payload : '', 'base64'),
      annotations:
        typeof data.annotations === 'object' && data.annotations !== null
          ? (data.annotations as Record<string, string>)
          : {},
    };
  } catch {
    return undefined;
  }
}

export interface DirectoryVerification {
  /** sha256 of manifest.json. */
  digest: string;
  results: { file: string; outcome: Outcome }[];
  verified: boolean;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Verifies the cosign signatures of a containers/image directory image (manifest.json + signature-1…N). */
export async function verifyDirectoryImage(
  dir: string,
  criteria: Omit<VerifyCriteria, 'digest'>,
): Promise<DirectoryVerification> {
  const manifest = await readIfExists(path.join(dir, 'manifest.json'));
  if (!manifest) throw new Error(`${dir} has no manifest.json`);
  const digest = digestOf(manifest);
  const results: DirectoryVerification['results'] = [];
  for (let index = 1; ; index++) {
    const file = `signature-${index}`;
    const bytes = await readIfExists(path.join(dir, file));
    if (!bytes) break;
    const layer = parseSigstoreSignatureFile(bytes);
    const outcome: Outcome = layer
      ? verifySimpleSigning(layer, { ...criteria, digest })
      : { ok: false, reason: 'not a sigstore signature (no \\0sigstore-json header)' };
    results.push({ file, outcome });
  }
  return { digest, results, verified: results.some((result) => result.outcome.ok) };
}
