import type { Descriptor, ImageManifest } from '@sovereign-ci/oci';
import { goJsonString, goJsonValue, goStruct } from './go-json';

/** Optional map field: omitted when empty (`omitempty`). */
function mapField(map: Readonly<Record<string, unknown>> | undefined): string | undefined {
  return map && Object.keys(map).length > 0 ? goJsonValue(map) : undefined;
}

/** A descriptor as go-containerregistry's v1.Descriptor marshals it (field order, omitempty). */
export function goDescriptor(descriptor: Descriptor): string {
  return goStruct([
    ['mediaType', goJsonString(descriptor.mediaType)],
    ['size', String(descriptor.size)],
    ['digest', goJsonString(descriptor.digest)],
    [
      'data',
      descriptor.data === undefined || descriptor.data === '' ? undefined : goJsonString(descriptor.data),
    ],
    ['urls', descriptor.urls && descriptor.urls.length > 0 ? goJsonValue(descriptor.urls) : undefined],
    ['annotations', mapField(descriptor.annotations)],
    ['platform', descriptor.platform ? JSON.stringify(descriptor.platform) : undefined],
    ['artifactType', descriptor.artifactType ? goJsonString(descriptor.artifactType) : undefined],
  ]);
}

/** An image manifest as go-containerregistry's v1.Manifest marshals it. */
export function goManifest(manifest: ImageManifest): Buffer {
  return Buffer.from(
    goStruct([
      ['schemaVersion', String(manifest.schemaVersion)],
      ['mediaType', manifest.mediaType ? goJsonString(manifest.mediaType) : undefined],
      ['config', goDescriptor(manifest.config)],
      ['layers', `[${manifest.layers.map(goDescriptor).join(',')}]`],
      ['annotations', mapField(manifest.annotations)],
      ['subject', manifest.subject ? goDescriptor(manifest.subject) : undefined],
      ['artifactType', manifest.artifactType ? goJsonString(manifest.artifactType) : undefined],
    ]),
    'utf8',
  );
}

/** The parts of an image config that a signature image carries. */
export interface SignatureConfig {
  architecture?: string;
  created?: string;
  history?: unknown[];
  os?: string;
  rootfs?: { type?: string; diff_ids?: string[] };
  config?: unknown;
}

const zeroTime = '0001-01-01T00:00:00Z';

/**
 * The config of a signature image as go-containerregistry writes it after `mutate.Append` on
 * `empty.Image` (what cosign pushes): `{"architecture":"","created":"0001-01-01T00:00:00Z","history":[…],
 * "os":"","rootfs":{"type":"layers","diff_ids":[…]},"config":{}}`, with one history entry per layer.
 */
export function goSignatureConfig(
  base: SignatureConfig | undefined,
  addedDiffIds: readonly string[],
): Buffer {
  const history = [...(base?.history ?? []), ...addedDiffIds.map(() => ({ created: zeroTime }))];
  const diffIds = [...(base?.rootfs?.diff_ids ?? []), ...addedDiffIds];
  const text = goStruct([
    ['architecture', goJsonString(base?.architecture ?? '')],
    ['created', goJsonString(base?.created ?? zeroTime)],
    [
      'history',
      history.length > 0 ? `[${history.map((entry) => JSON.stringify(entry)).join(',')}]` : undefined,
    ],
    ['os', goJsonString(base?.os ?? '')],
    [
      'rootfs',
      goStruct([
        ['type', goJsonString(base?.rootfs?.type ?? 'layers')],
        ['diff_ids', goJsonValue(diffIds)],
      ]),
    ],
    ['config', base?.config === undefined ? '{}' : JSON.stringify(base.config)],
  ]);
  return Buffer.from(text, 'utf8');
}
