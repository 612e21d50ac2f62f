import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildLayout, classifyFile, modelPackMediaType, type LayerFile } from '@sovereign-ci/model';
import { fixturePath } from '../../harness/fixtures';

const constants = JSON.parse(
  readFileSync(fixturePath('oci', 'modelpack', 'specs-go', 'v1', 'constants.derived.json'), 'utf8'),
) as Record<string, string>;
const specExample = JSON.parse(
  readFileSync(fixturePath('oci', 'modelpack', 'examples', 'spec-manifest-example.json'), 'utf8'),
) as {
  mediaType: string;
  artifactType: string;
  config: { mediaType: string };
};
const schema = JSON.parse(
  readFileSync(fixturePath('oci', 'modelpack', 'schema', 'config-schema.json'), 'utf8'),
) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const files: LayerFile[] = [
  { path: 'model-00002-of-00002.safetensors', digest: `sha256:${'b'.repeat(64)}`, size: 20 },
  { path: 'config.json', digest: `sha256:${'a'.repeat(64)}`, size: 10 },
  { path: 'model-00001-of-00002.safetensors', digest: `sha256:${'c'.repeat(64)}`, size: 30 },
  { path: 'README.md', digest: `sha256:${'d'.repeat(64)}`, size: 5 },
];
const options = {
  name: 'acme/tiny',
  sourceUrl: 'https://huggingface.co/acme/tiny',
  revision: 'f'.repeat(40),
  created: '2025-01-22T18:24:33.000Z',
};

describe('classifyFile', () => {
  describe('when a file name is seen', () => {
    it.each([
      ['model-00001-of-00004.safetensors', constants.MediaTypeModelWeightRaw],
      ['pytorch_model.bin', constants.MediaTypeModelWeightRaw],
      ['gguf/model-q4_k_m.gguf', constants.MediaTypeModelWeightRaw],
      ['config.json', constants.MediaTypeModelWeightConfigRaw],
      ['tokenizer.model', constants.MediaTypeModelWeightConfigRaw],
      ['model.safetensors.index.json', constants.MediaTypeModelWeightConfigRaw],
      ['merges.txt', constants.MediaTypeModelWeightConfigRaw],
      ['README.md', constants.MediaTypeModelDocRaw],
      ['LICENSE', constants.MediaTypeModelDocRaw],
      ['USE_POLICY.md', constants.MediaTypeModelDocRaw],
      ['modeling_tiny.py', constants.MediaTypeModelCodeRaw],
      ['data/train.parquet', constants.MediaTypeModelDatasetRaw],
    ])('%s is %s (a ModelPack media type)', (file, mediaType) => {
      expect(modelPackMediaType(file)).toBe(mediaType);
      expect(Object.values(constants)).toContain(mediaType);
    });
  });

  it('gives every kind a name', () => {
    expect(['a.safetensors', 'a.json', 'a.md', 'a.py', 'a.csv'].map(classifyFile)).toEqual([
      'weight',
      'weight-config',
      'doc',
      'code',
      'dataset',
    ]);
  });
});

describe('buildLayout', () => {
  describe('when the format is modelpack', () => {
    const layout = buildLayout(files, { format: 'modelpack', ...options });

    it('uses the spec example media types and a schema-valid config whose diffIds are the layers', () => {
      expect(layout.manifest.mediaType).toBe(specExample.mediaType);
      expect(layout.manifest.artifactType).toBe(specExample.artifactType);
      expect(layout.manifest.config.mediaType).toBe(specExample.config.mediaType);
      const config = JSON.parse(layout.config.bytes.toString('utf8')) as { modelfs: { diffIds: string[] } };
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      expect(config).toEqual({
        descriptor: {
          createdAt: options.created,
          name: 'acme/tiny',
          sourceURL: options.sourceUrl,
          revision: options.revision,
        },
        config: { format: 'safetensors' },
        modelfs: { type: 'layers', diffIds: layout.manifest.layers.map((l) => l.digest) },
      });
    });

    it('has one layer per file in path order, titled with its path', () => {
      expect(
        layout.manifest.layers.map((l) => [
          l.annotations?.['org.opencontainers.image.title'],
          l.annotations?.['org.cncf.model.filepath'],
          l.size,
        ]),
      ).toEqual([
        ['README.md', 'README.md', 5],
        ['config.json', 'config.json', 10],
        ['model-00001-of-00002.safetensors', 'model-00001-of-00002.safetensors', 30],
        ['model-00002-of-00002.safetensors', 'model-00002-of-00002.safetensors', 20],
      ]);
      expect(layout.manifest.annotations).toEqual({
        'org.opencontainers.image.created': options.created,
        'org.opencontainers.image.source': options.sourceUrl,
        'org.opencontainers.image.revision': options.revision,
      });
    });

    it('gives the same bytes for the same files in another order', () => {
      expect(buildLayout([...files].reverse(), { format: 'modelpack', ...options }).manifestBytes).toEqual(
        layout.manifestBytes,
      );
    });
  });

  describe('when the format is oras', () => {
    it('uses the empty config and the artifact type given', () => {
      const layout = buildLayout(files, {
        format: 'oras',
        artifactType: 'application/vnd.example.model.v1',
        ...options,
      });
      expect(layout.manifest.artifactType).toBe('application/vnd.example.model.v1');
      expect(layout.manifest.config).toEqual({
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      });
      expect(layout.config.bytes.toString()).toBe('{}');
      expect(new Set(layout.manifest.layers.map((l) => l.mediaType))).toEqual(
        new Set(['application/vnd.oci.image.layer.v1.tar']),
      );
    });
  });

  describe('when there are no files', () => {
    it('refuses to build a manifest (diffIds needs one)', () => {
      expect(() => buildLayout([], { format: 'modelpack', ...options })).toThrow(/no files/);
    });
  });
});
