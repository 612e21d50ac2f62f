import type { Logger } from '@sovereign-ci/action-kit';
import {
  describeBytes,
  formatReference,
  MediaType,
  pushManifestWithBlobs,
  pushReferrer,
  referenceSelector,
  type Descriptor,
  type ImageManifest,
  type ImageReference,
  type RegistryClient,
} from '@sovereign-ci/oci';
import { bundleMediaType, createSignBundle } from './bundle';
import { cosignSignPredicateType } from './dsse';
import { goManifest, type SignatureConfig } from './go-manifest';
import { cosignIdentity } from './identity';
import type { SigningKey } from './keys';
import { appendSignature, signatureTag, type ExistingSignatures } from './legacy';
import { simpleSigningPayload } from './payload';
import { signBytes, verifyBytes } from './signature';
import type { RekorClient } from './rekor';
import { rekorBundleAnnotation, rekorBundleJson } from './rekor-entry';
import { signatureRepositoryFor, type SignatureRepository } from './signature-repository';

export type SignFormat = 'legacy' | 'bundle' | 'both';

export interface SignOptions {
  client: Pick<RegistryClient, 'repository'>;
  key: SigningKey;
  format: SignFormat;
  /** Into the payload's `optional` (legacy) and the statement subject's annotations (bundle). */
  annotations?: Readonly<Record<string, string>>;
  signatureRepository?: SignatureRepository;
  logger?: Logger;
  /** Clock for the bundle manifest's `org.opencontainers.image.created`. */
  now?: () => Date;
  /**
   * A transparency log to record legacy signatures in (hashedrekord), before the signature is
   * pushed; its entry goes into the layer's `dev.sigstore.cosign/bundle` annotation. None: no upload.
   */
  rekor?: Pick<RekorClient, 'uploadHashedRekord' | 'url'>;
}

export interface SignatureLocation {
  format: 'legacy' | 'bundle';
  /** `registry/repo:sha256-….sig` (legacy) or `registry/repo@sha256:…` (bundle referrer). */
  reference: string;
  /** Digest of the manifest written (the `.sig` manifest, or the referrer). */
  manifestDigest: string;
  /** False when an equivalent legacy signature was already there and nothing was written. */
  written: boolean;
  /** The transparency-log entry recorded for this signature (only when a log was given and written). */
  tlog?: { uuid: string; logIndex: number; integratedTime: number };
}

export interface SignedImage {
  /** As given. */
  image: string;
  /** `registry/repo@digest`. */
  reference: string;
  digest: string;
  signatures: SignatureLocation[];
}

const bundleAnnotation = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
  created: 'org.opencontainers.image.created',
};

async function readExisting(
  repo: ReturnType<SignOptions['client']['repository']>,
  tag: string,
  where: string,
): Promise<ExistingSignatures | undefined> {
  if (!(await repo.manifests.exists(tag))) return undefined;
  const fetched = await repo.manifests.fetch(tag);
  if (!('layers' in fetched.manifest))
    throw new Error(`${where} exists and is not an image manifest; not overwriting it`);
  const manifest = fetched.manifest;
  let config: SignatureConfig | undefined;
  try {
    config = JSON.parse(
      (await repo.blobs.fetchBytes(manifest.config, 1024 * 1024)).toString('utf8'),
    ) as SignatureConfig;
  } catch {
    config = undefined; // an unreadable config is rebuilt from the layers' digests
  }
  if (!config)
    config = { rootfs: { type: 'layers', diff_ids: manifest.layers.map((layer) => layer.digest) } };
  return { manifest, config };
}

/** Appends a legacy simple-signing signature to `sha256-<hex>.sig`, as `cosign sign --key` does. */
async function signLegacy(
  ref: ImageReference,
  digest: string,
  options: SignOptions,
): Promise<SignatureLocation> {
  const target = signatureRepositoryFor(ref, options.signatureRepository);
  const repo = options.client.repository(target.registry, target.repository);
  const tag = signatureTag(digest);
  const where = `${target.registry}/${target.repository}:${tag}`;
  const payload = simpleSigningPayload({
    dockerReference: cosignIdentity(ref),
    digest,
    annotations: options.annotations,
  });
  const signatureBytes = signBytes(options.key, payload);
  const signature = signatureBytes.toString('base64');
  const existing = await readExisting(repo, tag, where);
  const verifies = (old: string) => verifyBytes(options.key.publicKey, payload, Buffer.from(old, 'base64'));
  let image = appendSignature(
    existing,
    { payload, signature },
    verifies,
    options.rekor ? [rekorBundleAnnotation] : [],
  );
  let tlog: SignatureLocation['tlog'];
  if (!image.duplicate && options.rekor) {
    // Recorded in the log before anything is pushed: a log failure leaves the registry untouched.
    const entry = await options.rekor.uploadHashedRekord({
      signature: signatureBytes,
      publicKeyPem: options.key.publicKey.pem,
      payload,
    });
    options.logger?.info(
      `recorded in ${options.rekor.url}: entry ${entry.uuid}, log index ${entry.logIndex}`,
    );
    tlog = { uuid: entry.uuid, logIndex: entry.logIndex, integratedTime: entry.integratedTime };
    image = appendSignature(
      existing,
      { payload, signature, annotations: { [rekorBundleAnnotation]: rekorBundleJson(entry) } },
      verifies,
    );
  }
  if (image.duplicate) {
    options.logger?.info(`${where} already holds this signature; left as it is`);
    const current = await repo.manifests.resolve(tag);
    return { format: 'legacy', reference: where, manifestDigest: current.digest, written: false };
  }
  const pushed = await pushManifestWithBlobs(
    repo,
    [
      { descriptor: image.layer, source: payload },
      { descriptor: image.configDescriptor, source: image.config },
    ],
    { mediaType: image.mediaType, bytes: image.manifest },
    tag,
  );
  options.logger?.info(`signed ${formatReference({ ...ref, tag: undefined, digest })} -> ${where}`);
  return {
    format: 'legacy',
    reference: where,
    manifestDigest: pushed.digest,
    written: true,
    ...(tlog ? { tlog } : {}),
  };
}

function goTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Pushes a Sigstore bundle as an OCI 1.1 referrer of the image, as `cosign sign --new-bundle-format` does. */
async function signBundle(
  ref: ImageReference,
  subject: Descriptor,
  options: SignOptions,
): Promise<SignatureLocation> {
  const target = signatureRepositoryFor(ref, options.signatureRepository);
  const repo = options.client.repository(target.registry, target.repository);
  const { bytes } = createSignBundle(options.key, subject.digest, options.annotations);
  const layer = describeBytes(bundleMediaType, bytes);
  const empty = Buffer.from('{}');
  const config: Descriptor = { ...describeBytes(MediaType.ociEmpty, empty), artifactType: bundleMediaType };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: [layer],
    annotations: {
      [bundleAnnotation.content]: 'dsse-envelope',
      [bundleAnnotation.predicateType]: cosignSignPredicateType,
      [bundleAnnotation.created]: goTime((options.now ?? (() => new Date()))()),
    },
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    artifactType: bundleMediaType,
  };
  await repo.blobs.push(layer, bytes);
  await repo.blobs.push({ mediaType: MediaType.ociEmpty, digest: config.digest, size: config.size }, empty);
  const pushed = await pushReferrer(repo, MediaType.ociManifest, goManifest(manifest));
  const where = `${target.registry}/${target.repository}@${pushed.digest}`;
  options.logger?.info(
    `signed ${formatReference({ ...ref, tag: undefined, digest: subject.digest })} -> ${where} (bundle)`,
  );
  return { format: 'bundle', reference: where, manifestDigest: pushed.digest, written: true };
}

/** Resolves `image` (a tag or a digest) and signs that digest in its registry. */
export async function signImage(
  image: string,
  ref: ImageReference,
  options: SignOptions,
): Promise<SignedImage> {
  const selector = referenceSelector(ref) ?? 'latest';
  const subject = await options.client.repository(ref.registry, ref.repository).manifests.resolve(selector);
  const digest = subject.digest;
  const signatures: SignatureLocation[] = [];
  if (options.format !== 'bundle') signatures.push(await signLegacy(ref, digest, options));
  if (options.format !== 'legacy') signatures.push(await signBundle(ref, subject, options));
  return { image, reference: `${ref.registry}/${ref.repository}@${digest}`, digest, signatures };
}
