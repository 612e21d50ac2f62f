import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionContext, GateError, setSecretMasker } from '@sovereign-ci/action-kit';
import { generateKeyPair } from '@sovereign-ci/cosign';
import type { ImageManifest } from '@sovereign-ci/oci';
import { run as sign } from '../../../actions/sign/src/run';
import { run as verify } from '../../../actions/verify/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { writeTinyOciLayout, type TinyImage } from '../../harness/oci-layout';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { fakeCommands, runRecorded } from '../../harness/recorded-run';
import { curlBlob, opensslVerify } from './tools';

const repo = 'team/dual';

/** build-push's `image-refs` output (repo@digest, one line per registry) fed straight into sign and verify. */
describe('sign and verify with build-push image-refs', () => {
  let plain: TestRegistry;
  let basic: TestRegistry;
  let docker: TestDockerConfig;
  let tmp: TempDir;
  let image: TinyImage;
  let imageRefs: string;
  const keys: { privateKeyPem: string; publicKeyPem: string; file: string }[] = [];
  const masked: string[] = [];

  const env = (inputs: Record<string, string>) => {
    const out: Record<string, string> = { DOCKER_CONFIG: docker.dir, RUNNER_TEMP: tmp.path };
    for (const [name, value] of Object.entries(inputs)) out[`INPUT_${name.toUpperCase()}`] = value;
    return out;
  };

  beforeAll(async () => {
    setSecretMasker((value) => masked.push(value));
    tmp = await tempDir('cosign-refs');
    plain = await startRegistry('plain');
    basic = await startRegistry('basic');
    docker = await writeTestDockerConfig([plain, basic]);
    image = await writeTinyOciLayout(path.join(tmp.path, 'layout'), { tag: 'v1', content: 'dual\n' });
    for (const reg of [plain, basic]) {
      await skopeo([
        'copy',
        '--preserve-digests',
        ...skopeoFlags(reg, 'dest'),
        image.skopeoRef,
        `docker://${reg.host}/${repo}:v1`,
      ]);
    }
    imageRefs = [plain, basic].map((reg) => `${reg.host}/${repo}@${image.manifestDigest}`).join('\n');
    for (const [index, password] of ['one', 'two'].entries()) {
      const pair = await generateKeyPair(password, { scryptN: 32768 });
      const file = path.join(tmp.path, `key-${index}.pub`);
      await writeFile(file, pair.publicKeyPem);
      keys.push({ ...pair, file });
    }
  });

  afterAll(async () => {
    await plain?.stop();
    await basic?.stop();
    await docker?.cleanup();
    await tmp?.cleanup();
  });

  describe('when sign gets repo@digest lines for two registries', () => {
    it('signs each in its own registry, naming the repository without tag or digest', async () => {
      const result = await runRecorded(
        sign,
        env({ images: imageRefs, key: keys[0]!.privateKeyPem, password: 'one' }),
      );
      expect(result.failed).toEqual([]);
      expect(masked).toContain('one');
      const sigTag = `${image.manifestDigest.replace(':', '-')}.sig`;
      for (const reg of [plain, basic]) {
        const { stdout } = await skopeo([
          'inspect',
          '--raw',
          ...skopeoFlags(reg, 'plain'),
          `docker://${reg.host}/${repo}:${sigTag}`,
        ]);
        const manifest = JSON.parse(stdout) as ImageManifest;
        expect(manifest.layers).toHaveLength(1);
        const layer = manifest.layers[0]!;
        const payload = await curlBlob(reg, repo, layer.digest);
        // cosign's bytes for a digest reference: docker-reference is the bare repository.
        expect(payload.toString('utf8')).toBe(
          `{"critical":{"identity":{"docker-reference":"${reg.host}/${repo}"},` +
            `"image":{"docker-manifest-digest":"${image.manifestDigest}"},` +
            '"type":"cosign container image signature"},"optional":null}',
        );
        const payloadFile = path.join(tmp.path, `payload-${reg.variant}`);
        const sigFile = path.join(tmp.path, `sig-${reg.variant}`);
        await writeFile(payloadFile, payload);
        await writeFile(
          sigFile,
          Buffer.from(layer.annotations!['dev.cosignproject.cosign/signature']!, 'base64'),
        );
        expect(await opensslVerify(keys[0]!.file, sigFile, payloadFile)).toBe(true);
      }
      const signatures = JSON.parse(result.outputs.signatures!) as {
        reference: string;
        signatures: { reference: string }[];
      }[];
      expect(signatures.map((s) => [s.reference, s.signatures.map((x) => x.reference)])).toEqual(
        [plain, basic].map((reg) => [
          `${reg.host}/${repo}@${image.manifestDigest}`,
          [`${reg.host}/${repo}:${sigTag}`],
        ]),
      );
    });

    it('verify passes on the same lines and outputs them', async () => {
      const result = await runRecorded(
        verify,
        env({ images: imageRefs, 'public-keys': keys[0]!.publicKeyPem }),
      );
      expect(result.failed).toEqual([]);
      expect(result.outputs.verified).toBe(imageRefs);
    });

    it('verify with another key fails with a GateError holding the table', async () => {
      const fake = fakeCommands();
      const failure = verify(
        createActionContext(env({ images: imageRefs, 'public-keys': keys[1]!.publicKeyPem }), fake.commands),
      );
      await expect(failure).rejects.toBeInstanceOf(GateError);
      const message = ((await failure.catch((error: unknown) => error)) as GateError).message.split('\n');
      expect(message[0]).toBe(`2 of 2 image(s) have no valid signature: ${imageRefs.replace('\n', ', ')}`);
      expect(message[1]).toMatch(/^image +digest +format +signature +result$/);
      expect(message.slice(3).map((line) => line.replace(/ +/g, ' '))).toEqual(
        [plain, basic].map(
          (reg) =>
            `${reg.host}/${repo}@${image.manifestDigest} ${image.manifestDigest.slice(0, 19)}… legacy ` +
            `${reg.host}/${repo}:${image.manifestDigest.replace(':', '-')}.sig#1 ` +
            'FAIL: signature verifies with none of the 1 key(s)',
        ),
      );
    });
  });
});
