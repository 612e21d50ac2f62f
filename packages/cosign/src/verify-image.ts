import type { Logger } from '@sovereign-ci/action-kit';
import {
  referenceSelector,
  RegistryError,
  type Descriptor,
  type ImageReference,
  type RegistryClient,
} from '@sovereign-ci/oci';
import type { PublicKey } from './keys';
import { signatureTag } from './legacy';
import { simpleSigningMediaType } from './payload';
import { signatureRepositoryFor, type SignatureRepository } from './signature-repository';
import { verifyBundle, verifySimpleSigning, type Outcome } from './verify-signature';

export type VerifyFormat = 'auto' | 'legacy' | 'bundle';

export interface VerifyOptions {
  client: Pick<RegistryClient, 'repository'>;
  keys: readonly PublicKey[];
  format: VerifyFormat;
  /** Required `k=v` pairs in the signed payload. */
  annotations?: Readonly<Record<string, string>>;
  signatureRepository?: SignatureRepository;
  logger?: Logger;
}

export interface Finding {
  format: 'legacy' | 'bundle';
  /** Where the signature was read (`registry/repo:sha256-….sig#2`, `registry/repo@sha256:…`). */
  location: string;
  ok: boolean;
  /** `key N` when verified, else why not. */
  detail: string;
}

export interface ImageVerification {
  image: string;
  /** `registry/repo@digest`. */
  reference: string;
  digest: string;
  verified: boolean;
  findings: Finding[];
  /** Why the image itself could not be read (it does not exist). */
  problem?: string;
}

/** Signatures read per image and format at most (a guard against a registry flooding us). */
const MAX_CANDIDATES = 200;
const MAX_SIGNATURE_BYTES = 1024 * 1024;

/**
 * A signature's bytes, or why they could not be read: a registry error on one signature (a missing or
 * oversized blob, a digest mismatch) is a finding in the table, not an abort of the whole verification.
 */
async function readSignature(
  repo: ReturnType<VerifyOptions['client']['repository']>,
  layer: Descriptor,
): Promise<Buffer | { unreadable: string }> {
  try {
    return await repo.blobs.fetchBytes(layer, MAX_SIGNATURE_BYTES);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return { unreadable: `cannot read ${layer.digest}: ${error.message.split('\n')[0]}` };
  }
}

function finding(format: Finding['format'], location: string, outcome: Outcome): Finding {
  return {
    format,
    location,
    ok: outcome.ok,
    detail: outcome.ok ? `key ${outcome.keyIndex + 1}` : outcome.reason,
  };
}

async function legacyFindings(
  ref: ImageReference,
  digest: string,
  options: VerifyOptions,
): Promise<Finding[]> {
  const target = signatureRepositoryFor(ref, options.signatureRepository);
  const repo = options.client.repository(target.registry, target.repository);
  const tag = signatureTag(digest);
  const where = `${target.registry}/${target.repository}:${tag}`;
  if (!(await repo.manifests.exists(tag))) return [];
  const fetched = await repo.manifests.fetch(tag);
  if (!('layers' in fetched.manifest)) {
    return [{ format: 'legacy', location: where, ok: false, detail: 'not an image manifest' }];
  }
  const findings: Finding[] = [];
  for (const [index, layer] of fetched.manifest.layers.slice(0, MAX_CANDIDATES).entries()) {
    const location = `${where}#${index + 1}`;
    if (layer.mediaType !== simpleSigningMediaType) {
      const detail = `media type ${layer.mediaType} is not a simple-signing payload`;
      findings.push({ format: 'legacy', location, ok: false, detail });
      continue;
    }
    const payload = await readSignature(repo, layer);
    if (!Buffer.isBuffer(payload)) {
      findings.push({ format: 'legacy', location, ok: false, detail: payload.unreadable });
      continue;
    }
    const outcome = verifySimpleSigning(
      { mediaType: layer.mediaType, payload, annotations: layer.annotations ?? {} },
      { keys: options.keys, digest, annotations: options.annotations },
    );
    findings.push(finding('legacy', location, outcome));
  }
  return findings;
}

function isBundleType(mediaType: string | undefined): boolean {
  return mediaType?.startsWith('application/vnd.dev.sigstore.bundle') ?? false;
}

async function bundleFindings(
  ref: ImageReference,
  digest: string,
  options: VerifyOptions,
): Promise<Finding[]> {
  const target = signatureRepositoryFor(ref, options.signatureRepository);
  const repo = options.client.repository(target.registry, target.repository);
  const referrers = (await repo.referrers(digest)).filter((d) => isBundleType(d.artifactType));
  const findings: Finding[] = [];
  for (const descriptor of referrers.slice(0, MAX_CANDIDATES)) {
    const location = `${target.registry}/${target.repository}@${descriptor.digest}`;
    const fetched = await repo.manifests.fetch(descriptor.digest);
    const layers =
      'layers' in fetched.manifest ? fetched.manifest.layers.filter((l) => isBundleType(l.mediaType)) : [];
    if (layers.length === 0) {
      findings.push({
        format: 'bundle',
        location,
        ok: false,
        detail: 'referrer holds no Sigstore bundle layer',
      });
      continue;
    }
    for (const layer of layers) {
      const bytes = await readSignature(repo, layer);
      if (!Buffer.isBuffer(bytes)) {
        findings.push({ format: 'bundle', location, ok: false, detail: bytes.unreadable });
        continue;
      }
      findings.push(
        finding(
          'bundle',
          location,
          verifyBundle(bytes, { keys: options.keys, digest, annotations: options.annotations }),
        ),
      );
    }
  }
  return findings;
}

/**
 * Verifies an image: resolves it to its digest, reads its legacy `.sig` signatures and/or its Sigstore
 * bundle referrers, and passes when one verifies with one of the keys, names this digest and carries
 * the required annotations.
 */
export async function verifyImage(
  image: string,
  ref: ImageReference,
  options: VerifyOptions,
): Promise<ImageVerification> {
  const selector = referenceSelector(ref) ?? 'latest';
  let digest: string;
  try {
    digest = (await options.client.repository(ref.registry, ref.repository).manifests.resolve(selector))
      .digest;
  } catch (error) {
    if (!(error instanceof RegistryError && error.code === 'NOT_FOUND')) throw error;
    const reference = `${ref.registry}/${ref.repository}`;
    return {
      image,
      reference,
      digest: '-',
      verified: false,
      findings: [],
      problem: `image not found (${error.message})`,
    };
  }
  const findings: Finding[] = [];
  if (options.format !== 'bundle') findings.push(...(await legacyFindings(ref, digest, options)));
  if (options.format !== 'legacy') findings.push(...(await bundleFindings(ref, digest, options)));
  return {
    image,
    reference: `${ref.registry}/${ref.repository}@${digest}`,
    digest,
    verified: findings.some((f) => f.ok),
    findings,
  };
}
