import { GateError, markdownTable, textTable } from '@sovereign-ci/action-kit';
import type { ImageVerification } from './verify-image';

const headers = ['image', 'digest', 'format', 'signature', 'result'];

function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

function rows(results: readonly ImageVerification[]): string[][] {
  return results.flatMap((result) => {
    const image = result.image;
    const digest = short(result.digest);
    if (result.problem) return [[image, digest, '-', '-', `FAIL: ${result.problem}`]];
    if (result.findings.length === 0) {
      return [[image, digest, '-', '-', 'FAIL: no signature found (no .sig tag, no bundle referrer)']];
    }
    return result.findings.map((f) => [
      image,
      digest,
      f.format,
      f.location,
      `${f.ok ? 'ok' : 'FAIL'}: ${f.detail}`,
    ]);
  });
}

/** A plain-text table of every signature read, for the log. */
export function verificationTable(results: readonly ImageVerification[]): string {
  return textTable(headers, rows(results));
}

/** The same as Markdown, for the step summary. */
export function verificationMarkdown(results: readonly ImageVerification[]): string {
  return markdownTable(headers, rows(results));
}

/** A GateError naming the unverified images with the table of what was found, or undefined when all passed. */
export function verificationFailure(results: readonly ImageVerification[]): GateError | undefined {
  const failed = results.filter((result) => !result.verified);
  if (failed.length === 0) return undefined;
  return new GateError(
    `${failed.length} of ${results.length} image(s) have no valid signature: ${failed.map((f) => f.image).join(', ')}\n` +
      verificationTable(results),
  );
}
