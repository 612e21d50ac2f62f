import { createHash, type Hash } from 'node:crypto';

/** `sha256:<hex>` of the bytes. */
export function digestOf(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A hasher for the algorithm named in `digest` (sha256 or sha512). */
export function hasherFor(digest: string): Hash {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new Error(`unsupported digest algorithm '${algorithm}' in ${digest}`);
  }
  return createHash(algorithm);
}

/** Digest of `bytes` with the algorithm `like` uses. */
export function digestLike(like: string, bytes: Buffer): string {
  const algorithm = like.slice(0, like.indexOf(':'));
  return `${algorithm}:${hasherFor(like).update(bytes).digest('hex')}`;
}

/** `sha256-<hex>`: the referrers tag schema's tag for a subject digest. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}
