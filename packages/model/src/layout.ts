import {
  describeBytes,
  encodeManifest,
  MediaType,
  type Descriptor,
  type ImageManifest,
} from '@sovereign-ci/oci';
import {
  Annotation,
  ModelPack,
  modelPackMediaType,
  ORAS_DEFAULT_ARTIFACT_TYPE,
  ORAS_FILE_MEDIA_TYPE,
} from './media-types';

export type ModelFormat = 'modelpack' | 'oras';

export interface LayerFile {
  path: string;
  digest: string;
  size: number;
}

export interface LayoutOptions {
  format: ModelFormat;
  /** Manifest artifactType for `oras` (default application/vnd.unknown.artifact.v1). */
  artifactType?: string;
  name: string;
  sourceUrl?: string;
  revision?: string;
  created: string;
}

export interface ModelLayout {
  manifest: ImageManifest;
  manifestBytes: Buffer;
  config: { descriptor: Descriptor; bytes: Buffer };
}

/** The ModelPack config (application/vnd.cncf.model.config.v1+json), valid against its schema. */
export function modelPackConfig(
  files: readonly LayerFile[],
  options: LayoutOptions,
): Record<string, unknown> {
  const descriptor: Record<string, unknown> = { createdAt: options.created, name: options.name };
  if (options.sourceUrl) descriptor.sourceURL = options.sourceUrl;
  if (options.revision) descriptor.revision = options.revision;
  const config: Record<string, string> = {};
  const format = weightFormat(files);
  if (format) config.format = format;
  return { descriptor, config, modelfs: { type: 'layers', diffIds: files.map((f) => f.digest) } };
}

/** One layer per file, in path order; the config and annotations per format. */
export function buildLayout(files: readonly LayerFile[], options: LayoutOptions): ModelLayout {
  if (files.length === 0) throw new Error('the model has no files to publish');
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const modelpack = options.format === 'modelpack';
  const layers: Descriptor[] = sorted.map((f) => ({
    mediaType: modelpack ? modelPackMediaType(f.path) : ORAS_FILE_MEDIA_TYPE,
    digest: f.digest,
    size: f.size,
    annotations: {
      [Annotation.title]: f.path,
      [ModelPack.annotationFilepath]: f.path,
      ...(modelpack ? { [ModelPack.annotationUntested]: 'true' } : {}),
    },
  }));
  const configBytes = modelpack
    ? Buffer.from(JSON.stringify(modelPackConfig(sorted, options)), 'utf8')
    : Buffer.from('{}', 'utf8');
  const config = describeBytes(modelpack ? ModelPack.config : MediaType.ociEmpty, configBytes);
  const annotations: Record<string, string> = { [Annotation.created]: options.created };
  if (options.sourceUrl) annotations[Annotation.source] = options.sourceUrl;
  if (options.revision) annotations[Annotation.revision] = options.revision;
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: modelpack ? ModelPack.artifactType : (options.artifactType ?? ORAS_DEFAULT_ARTIFACT_TYPE),
    config,
    layers,
    annotations,
  };
  return {
    manifest,
    manifestBytes: encodeManifest(manifest),
    config: { descriptor: config, bytes: configBytes },
  };
}

const FORMAT_BY_EXT: Record<string, string> = {
  safetensors: 'safetensors',
  gguf: 'gguf',
  onnx: 'onnx',
  bin: 'pt',
  pt: 'pt',
  pth: 'pt',
  h5: 'h5',
};

/** The weights' format when every weight file agrees on it. */
function weightFormat(files: readonly LayerFile[]): string | undefined {
  const formats = new Set<string>();
  for (const f of files) {
    if (modelPackMediaType(f.path) !== ModelPack.weight) continue;
    const ext = f.path.slice(f.path.lastIndexOf('.') + 1).toLowerCase();
    formats.add(FORMAT_BY_EXT[ext] ?? '?');
  }
  const [only] = formats;
  return formats.size === 1 && only !== '?' ? only : undefined;
}
