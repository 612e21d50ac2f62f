import { digestOf, MediaType, type Descriptor, type ImageManifest } from '@sovereign-ci/oci';
import { goManifest, goSignatureConfig, type SignatureConfig } from './go-manifest';
import { simpleSigningMediaType } from './payload';

/** The layer annotation holding the base64 signature (cosign's static.SignatureAnnotationKey). */
export const signatureAnnotation = 'dev.cosignproject.cosign/signature';

/** `sha256-<hex>.sig`: where cosign keeps the signatures of a digest. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

export interface NewSignature {
  payload: Buffer;
  /** base64 of the DER signature. */
  signature: string;
  /** Extra layer annotations (cosign adds certificate/bundle ones; we add none by default). */
  annotations?: Readonly<Record<string, string>>;
}

export interface ExistingSignatures {
  manifest: ImageManifest;
  config?: SignatureConfig;
}

export interface SignatureImage {
  /** Manifest bytes to push at the `.sig` tag (unchanged existing bytes are never re-pushed). */
  manifest: Buffer;
  mediaType: string;
  config: Buffer;
  configDescriptor: Descriptor;
  /** The layer holding the new payload. */
  layer: Descriptor;
  /** True when an equivalent signature was already there (nothing to push). */
  duplicate: boolean;
}

/**
 * The signature image after appending `signature`, as cosign's `mutate.AppendSignatures` builds it:
 * existing layers kept in order, the new one last; an OCI manifest with an OCI config when new. A
 * signature is a duplicate (cosign's DupeDetector) when a layer has the same payload digest, media
 * type and annotations and its signature verifies over the payload with the signer's key.
 */
export function appendSignature(
  existing: ExistingSignatures | undefined,
  signature: NewSignature,
  verifiesExisting: (base64Signature: string) => boolean,
  /** Annotations an existing layer must carry (non-empty) to count as a duplicate. */
  requiredAnnotations: readonly string[] = [],
): SignatureImage {
  const annotations = { ...signature.annotations, [signatureAnnotation]: signature.signature };
  const layer: Descriptor = {
    mediaType: simpleSigningMediaType,
    size: signature.payload.length,
    digest: digestOf(signature.payload),
    annotations,
  };
  const layers = existing?.manifest.layers ?? [];
  const duplicate = layers.some((old) => {
    if (old.digest !== layer.digest || old.mediaType !== layer.mediaType) return false;
    if (requiredAnnotations.some((key) => !old.annotations?.[key])) return false;
    for (const [key, value] of Object.entries(annotations)) {
      if (key !== signatureAnnotation && old.annotations?.[key] !== value) return false;
    }
    const oldSignature = old.annotations?.[signatureAnnotation];
    return oldSignature !== undefined && oldSignature !== '' && verifiesExisting(oldSignature);
  });
  const config = goSignatureConfig(existing?.config, duplicate ? [] : [layer.digest]);
  const configDescriptor: Descriptor = {
    mediaType: existing?.manifest.config.mediaType ?? MediaType.ociConfig,
    size: config.length,
    digest: digestOf(config),
  };
  const mediaType = existing?.manifest.mediaType ?? MediaType.ociManifest;
  const manifest = goManifest({
    ...existing?.manifest,
    schemaVersion: 2,
    mediaType,
    config: configDescriptor,
    layers: duplicate ? layers : [...layers, layer],
  });
  return { manifest, mediaType, config, configDescriptor, layer, duplicate };
}
