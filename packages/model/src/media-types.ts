import path from 'node:path';

/** CNCF ModelPack media types and annotation keys (modelpack/model-spec, specs-go/v1). */
export const ModelPack = {
  artifactType: 'application/vnd.cncf.model.manifest.v1+json',
  config: 'application/vnd.cncf.model.config.v1+json',
  weight: 'application/vnd.cncf.model.weight.v1.raw',
  weightConfig: 'application/vnd.cncf.model.weight.config.v1.raw',
  doc: 'application/vnd.cncf.model.doc.v1.raw',
  code: 'application/vnd.cncf.model.code.v1.raw',
  dataset: 'application/vnd.cncf.model.dataset.v1.raw',
  annotationFilepath: 'org.cncf.model.filepath',
  annotationUntested: 'org.cncf.model.file.mediatype.untested',
} as const;

export const Annotation = {
  title: 'org.opencontainers.image.title',
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  created: 'org.opencontainers.image.created',
} as const;

/** What `oras push file` gives a file layer by default. */
export const ORAS_FILE_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar';
export const ORAS_DEFAULT_ARTIFACT_TYPE = 'application/vnd.unknown.artifact.v1';

export type FileKind = 'weight' | 'weight-config' | 'doc' | 'code' | 'dataset';

const WEIGHT_EXT = new Set([
  '.safetensors',
  '.bin',
  '.pt',
  '.pth',
  '.ckpt',
  '.h5',
  '.gguf',
  '.ggml',
  '.onnx',
  '.msgpack',
  '.pb',
  '.tflite',
  '.mlmodel',
  '.npz',
  '.pkl',
  '.model',
  '.ot',
  '.nemo',
  '.keras',
  '.joblib',
  '.engine',
]);
const WEIGHT_CONFIG_EXT = new Set([
  '.json',
  '.yaml',
  '.yml',
  '.txt',
  '.tiktoken',
  '.jinja',
  '.spm',
  '.vocab',
  '.merges',
]);
const WEIGHT_CONFIG_NAMES = new Set([
  'tokenizer.model',
  'sentencepiece.bpe.model',
  'spiece.model',
  'merges.txt',
  'vocab.txt',
]);
const DOC_NAMES =
  /^(readme|license|licence|notice|copying|authors|changelog|contributing|citation|use_policy|model_card)(\.|$)/i;
const DOC_EXT = new Set(['.md', '.rst', '.pdf', '.png', '.jpg', '.jpeg', '.gif', '.svg', '.webp', '.html']);
const CODE_EXT = new Set([
  '.py',
  '.sh',
  '.js',
  '.ts',
  '.ipynb',
  '.c',
  '.cc',
  '.cpp',
  '.cu',
  '.h',
  '.go',
  '.rs',
  '.java',
  '.lua',
]);
const DATASET_EXT = new Set(['.parquet', '.csv', '.tsv', '.jsonl', '.arrow']);

/** Classifies a model file by name, the way ModelPack tools do (a heuristic, hence `untested`). */
export function classifyFile(filePath: string): FileKind {
  const base = path.posix.basename(filePath);
  const lower = base.toLowerCase();
  const ext = path.posix.extname(lower);
  if (DOC_NAMES.test(lower) || DOC_EXT.has(ext)) return 'doc';
  if (WEIGHT_CONFIG_NAMES.has(lower)) return 'weight-config';
  if (WEIGHT_EXT.has(ext)) return 'weight';
  if (CODE_EXT.has(ext)) return 'code';
  if (DATASET_EXT.has(ext)) return 'dataset';
  if (WEIGHT_CONFIG_EXT.has(ext) || lower === '.gitattributes') return 'weight-config';
  return ext === '' ? 'doc' : 'weight';
}

const KIND_MEDIA_TYPE: Record<FileKind, string> = {
  weight: ModelPack.weight,
  'weight-config': ModelPack.weightConfig,
  doc: ModelPack.doc,
  code: ModelPack.code,
  dataset: ModelPack.dataset,
};

export function modelPackMediaType(filePath: string): string {
  return KIND_MEDIA_TYPE[classifyFile(filePath)];
}
