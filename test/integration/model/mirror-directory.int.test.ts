import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import {
  directorySource,
  memoryDigestCache,
  MirrorError,
  mirrorModel,
  type MirroredFile,
  type ModelSource,
} from '@sovereign-ci/model';
import { RegistryClient } from '@sovereign-ci/oci';
import { run as mirror } from '../../../actions/mirror-model/src/run';
import { run as pull } from '../../../actions/pull-model/src/run';
import { fixturePath } from '../../harness/fixtures';
import { settledLog, startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { listFiles, runStep, sha256sums, uploadRequests, writeModel } from './generated-model';

const MiB = 1024 * 1024;

interface RawManifest {
  artifactType: string;
  config: { mediaType: string; digest: string };
  layers: { mediaType: string; digest: string; size: number; annotations: Record<string, string> }[];
  annotations: Record<string, string>;
}

async function inspectRaw(reg: TestRegistry, ref: string): Promise<RawManifest> {
  const { stdout } = await skopeo([
    'inspect',
    '--raw',
    ...skopeoFlags(reg, 'plain'),
    `docker://${reg.host}/${ref}`,
  ]);
  return JSON.parse(stdout) as RawManifest;
}

describe('mirror-model from a directory', () => {
  let reg: TestRegistry;
  let tmp: TempDir;
  let modelDir: string;
  let sums: Record<string, string>;

  beforeAll(async () => {
    reg = await startRegistry('plain');
    tmp = await tempDir('model-dir');
    modelDir = path.join(tmp.path, 'tiny');
    await writeModel(modelDir, {
      'model-00001-of-00002.safetensors': 300 * MiB,
      'model-00002-of-00002.safetensors': 3 * MiB + 17,
    });
    sums = await sha256sums(modelDir);
  });
  afterAll(async () => {
    await reg?.stop();
    await tmp?.cleanup();
  });

  describe('when mirrored, re-run and pulled back', () => {
    const repo = 'models/tiny';
    const runMirror = async () => {
      const commands = await runStep(
        mirror,
        {
          source: modelDir,
          destination: `${reg.host}/${repo}:v1`,
          'chunk-size': '32MiB',
          'digest-cache': path.join(tmp.path, 'digests.json'),
        },
        tmp.path,
      );
      return commands;
    };

    it('publishes one layer per file whose digests equal sha256sum, with a schema-valid ModelPack config', async () => {
      const commands = await runMirror();
      expect(commands.failed).toEqual([]);
      const manifest = await inspectRaw(reg, `${repo}:v1`);
      const layers = Object.fromEntries(
        manifest.layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest]),
      );
      expect(layers).toEqual(sums);
      for (const l of manifest.layers)
        expect(l.annotations['org.cncf.model.filepath']).toBe(
          l.annotations['org.opencontainers.image.title'],
        );
      const types = Object.fromEntries(
        manifest.layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.mediaType]),
      );
      expect(types).toEqual({
        'README.md': 'application/vnd.cncf.model.doc.v1.raw',
        'config.json': 'application/vnd.cncf.model.weight.config.v1.raw',
        'docs/deep/nested/notes.md': 'application/vnd.cncf.model.doc.v1.raw',
        'generation_config.json': 'application/vnd.cncf.model.weight.config.v1.raw',
        'model-00001-of-00002.safetensors': 'application/vnd.cncf.model.weight.v1.raw',
        'model-00002-of-00002.safetensors': 'application/vnd.cncf.model.weight.v1.raw',
        'model.safetensors.index.json': 'application/vnd.cncf.model.weight.config.v1.raw',
        'scripts/convert.py': 'application/vnd.cncf.model.code.v1.raw',
        'tokenizer/special_tokens_map.json': 'application/vnd.cncf.model.weight.config.v1.raw',
        'tokenizer/tokenizer.json': 'application/vnd.cncf.model.weight.config.v1.raw',
      });
      expect(manifest.artifactType).toBe('application/vnd.cncf.model.manifest.v1+json');
      expect(manifest.config.mediaType).toBe('application/vnd.cncf.model.config.v1+json');
      expect(Object.keys(manifest.annotations)).toContain('org.opencontainers.image.created');

      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        '--config',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/${repo}:v1`,
      ]);
      const schema = JSON.parse(
        await readFile(fixturePath('oci', 'modelpack', 'schema', 'config-schema.json'), 'utf8'),
      ) as object;
      const ajv = new Ajv2020({ allErrors: true, strict: false });
      addFormats(ajv);
      const validate = ajv.compile(schema);
      const config = JSON.parse(stdout) as { modelfs: { diffIds: string[] }; config: unknown };
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
      expect(config.modelfs.diffIds).toEqual(manifest.layers.map((l) => l.digest));
      expect(config.config).toEqual({ format: 'safetensors' });

      const log = commands.lines.join('\n');
      expect(log).toMatch(/info tiny: 10\/10 [\d.]+ MiB of [\d.]+ MiB [\d.]+ \w+\/s in /);
      expect(log).toMatch(/10 files, [\d.]+ MiB: 10 uploaded \([\d.]+ MiB\), 0 already there, 0 failed/);
      expect(log).toMatch(/model-00001-of-00002\.safetensors +300(\.0+)? MiB +uploaded +sha256:/);
      const total = Object.keys(sums).length;
      expect(commands.outputs).toEqual({
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as string,
        reference: expect.stringMatching(new RegExp(`^${reg.host}/${repo}@sha256:`)) as string,
        files: String(total),
        bytes: String(300 * MiB + 3 * MiB + 17 + (await smallBytes(modelDir))),
        'uploaded-bytes': commands.outputs.bytes,
      });
    });

    it('uploads nothing but the manifest on a re-run, and gives the same digest', async () => {
      const before = uploadRequests(await settledLog(reg), repo);
      const first = (await inspectRaw(reg, `${repo}:v1`)).layers.length;
      const started = Date.now();
      const commands = await runMirror();
      expect(commands.failed).toEqual([]);
      expect(commands.outputs['uploaded-bytes']).toBe('0');
      expect(uploadRequests(await settledLog(reg), repo)).toBe(before);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(first).toBe(Object.keys(sums).length);
    });

    it('pull-model reproduces the tree byte for byte, and skips files already present', async () => {
      const out = path.join(tmp.path, 'pulled');
      const commands = await runStep(pull, { reference: `${reg.host}/${repo}:v1`, path: out }, tmp.path);
      expect(commands.failed).toEqual([]);
      expect(await sha256sums(out)).toEqual(sums);
      expect(await listFiles(out)).toEqual(Object.keys(sums).sort());
      expect(commands.outputs).toEqual({
        path: out,
        files: String(Object.keys(sums).length),
        bytes: expect.any(String) as string,
      });

      const again = await runStep(pull, { reference: `${reg.host}/${repo}:v1`, path: out }, tmp.path);
      expect(again.lines.filter((l) => / bytes, sha256:/.test(l))).toEqual([]);
    });
  });

  describe('when a run is interrupted', () => {
    it('re-sends only the files the first run did not finish', async () => {
      const client = new RegistryClient({ chunkSize: 8 * MiB });
      const repo = client.repository(reg.host, 'models/interrupted');
      const cache = memoryDigestCache();
      const controller = new AbortController();
      const finished: MirroredFile[] = [];
      const firstRun = mirrorModel(await directorySource({ dir: modelDir }), repo, {
        tag: 'v1',
        concurrency: 2,
        cache,
        logger: silentLogger,
        signal: controller.signal,
        onFile: (f) => {
          finished.push(f);
          // the small files and the small shard finish while the 300 MiB shard is still in flight
          if (finished.length === 5) controller.abort(new Error('runner cancelled'));
        },
      });
      await expect(firstRun).rejects.toThrow(/cancelled|abort/i);
      expect(finished.map((f) => f.status)).toEqual([
        'uploaded',
        'uploaded',
        'uploaded',
        'uploaded',
        'uploaded',
      ]);
      expect(finished.map((f) => f.path)).not.toContain('model-00001-of-00002.safetensors');
      await expect(
        skopeo([
          'inspect',
          '--raw',
          ...skopeoFlags(reg, 'plain'),
          `docker://${reg.host}/models/interrupted:v1`,
        ]),
      ).rejects.toThrow();

      const second = await mirrorModel(await directorySource({ dir: modelDir }), repo, {
        tag: 'v1',
        cache,
        logger: silentLogger,
      });
      const byStatus = (s: string) => second.files.filter((f) => f.status === s).map((f) => f.path);
      expect(byStatus('exists').sort()).toEqual(finished.map((f) => f.path).sort());
      expect(byStatus('uploaded').sort()).toEqual(
        Object.keys(sums)
          .filter((p) => !finished.some((f) => f.path === p))
          .sort(),
      );
      const expectedBytes = second.files
        .filter((f) => f.status === 'uploaded')
        .reduce((n, f) => n + f.size, 0);
      expect(second.uploadedBytes).toBe(expectedBytes);
      const manifest = await inspectRaw(reg, 'models/interrupted:v1');
      expect(
        Object.fromEntries(
          manifest.layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest]),
        ),
      ).toEqual(sums);
      await client.close();
    });
  });

  describe('when split into shards', () => {
    it('pushes each shard without a manifest, and a final run only writes the manifest', async () => {
      const repo = 'models/sharded';
      const outputs: Record<string, string>[] = [];
      for (const shard of ['1/2', '2/2']) {
        const commands = await runStep(
          mirror,
          { source: modelDir, destination: `${reg.host}/${repo}:v1`, shard, 'digest-cache': 'false' },
          tmp.path,
        );
        expect(commands.failed).toEqual([]);
        outputs.push(commands.outputs);
      }
      await expect(
        skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/${repo}:v1`]),
      ).rejects.toThrow();
      expect(outputs.map((o) => o.digest)).toEqual(['', '']);
      expect(Number(outputs[0]?.files) + Number(outputs[1]?.files)).toBe(Object.keys(sums).length);
      expect(Number(outputs[0]?.['uploaded-bytes']) + Number(outputs[1]?.['uploaded-bytes'])).toBe(
        Number(outputs[0]?.bytes) + Number(outputs[1]?.bytes),
      );
      const before = uploadRequests(await settledLog(reg), repo);
      const final = await runStep(
        mirror,
        { source: modelDir, destination: `${reg.host}/${repo}:v1`, 'digest-cache': 'false' },
        tmp.path,
      );
      expect(final.failed).toEqual([]);
      expect(final.outputs['uploaded-bytes']).toBe('0');
      // only the config blob is new
      expect(uploadRequests(await settledLog(reg), repo) - before).toBeLessThanOrEqual(2);
      const manifest = await inspectRaw(reg, `${repo}:v1`);
      expect(
        Object.fromEntries(
          manifest.layers.map((l) => [l.annotations['org.opencontainers.image.title'], l.digest]),
        ),
      ).toEqual(sums);
    });
  });

  describe('when a local file changes between hashing and upload', () => {
    it('is refused by the registry and nothing is published', async () => {
      const first = Buffer.alloc(17 * MiB, 1);
      const second = Buffer.alloc(17 * MiB, 2);
      let opens = 0;
      const source: ModelSource = {
        kind: 'directory',
        name: 'changing',
        files: [
          {
            path: 'weights.safetensors',
            size: first.length,
            cacheKey: 'changing',
            open: () => Promise.resolve(Readable.from([opens++ === 0 ? first : second])),
          },
        ],
      };
      const client = new RegistryClient();
      const repo = client.repository(reg.host, 'models/changing');
      const error = await mirrorModel(source, repo, { tag: 'v1', logger: silentLogger }).catch(
        (e: unknown) => e,
      );
      await client.close();
      expect(error).toBeInstanceOf(MirrorError);
      expect((error as MirrorError).result.files.map((f) => [f.path, f.status])).toEqual([
        ['weights.safetensors', 'failed'],
      ]);
      expect(opens).toBeGreaterThanOrEqual(2);
      await expect(
        skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/models/changing:v1`]),
      ).rejects.toThrow();
    });
  });

  describe('when format is oras', () => {
    it('pushes a plain ORAS artifact with the empty config that pull-model restores', async () => {
      const repo = 'models/oras';
      const commands = await runStep(
        mirror,
        {
          source: modelDir,
          destination: `${reg.host}/${repo}:v1`,
          format: 'oras',
          'artifact-type': 'application/vnd.example.model.v1',
          include: '**/*.json,**/*.md',
        },
        tmp.path,
      );
      expect(commands.failed).toEqual([]);
      const manifest = await inspectRaw(reg, `${repo}:v1`);
      expect(manifest.artifactType).toBe('application/vnd.example.model.v1');
      expect(manifest.config).toEqual({
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      });
      expect(new Set(manifest.layers.map((l) => l.mediaType))).toEqual(
        new Set(['application/vnd.oci.image.layer.v1.tar']),
      );
      const out = path.join(tmp.path, 'oras-pulled');
      const pulled = await runStep(pull, { reference: `${reg.host}/${repo}:v1`, path: out }, tmp.path);
      expect(pulled.failed).toEqual([]);
      const expected = Object.fromEntries(Object.entries(sums).filter(([p]) => /\.(json|md)$/.test(p)));
      expect(await sha256sums(out)).toEqual(expected);
    });
  });
});

async function smallBytes(dir: string): Promise<number> {
  const { stat } = await import('node:fs/promises');
  let n = 0;
  for (const f of await listFiles(dir))
    if (!f.endsWith('.safetensors')) n += (await stat(path.join(dir, f))).size;
  return n;
}
