import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { generateKeyPair, preAuthEncoding } from '@sovereign-ci/cosign';
import type { ImageIndex, ImageManifest } from '@sovereign-ci/oci';
import { run as sign } from '../../../actions/sign/src/run';
import { run as verify } from '../../../actions/verify/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { writeTinyOciLayout, sha256Digest, type TinyImage } from '../../harness/oci-layout';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { runRecorded } from '../../harness/recorded-run';
import { curlBlob, opensslVerify } from './tools';

const repo = 'team/app';

describe('sign and verify actions', () => {
  let plain: TestRegistry;
  let basic: TestRegistry;
  let docker: TestDockerConfig;
  let tmp: TempDir;
  let image: TinyImage;
  let other: TinyImage;
  const keys: { privateKeyPem: string; publicKeyPem: string; file: string }[] = [];
  const masked: string[] = [];

  const env = (inputs: Record<string, string>, extra: Record<string, string> = {}) => {
    const out: Record<string, string> = { DOCKER_CONFIG: docker.dir, RUNNER_TEMP: tmp.path, ...extra };
    for (const [name, value] of Object.entries(inputs)) out[`INPUT_${name.toUpperCase()}`] = value;
    return out;
  };
  const inspectRaw = async (reg: TestRegistry, reference: string): Promise<Buffer> =>
    Buffer.from(
      (await skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/${reference}`]))
        .stdout,
    );
  const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

  beforeAll(async () => {
    requireTool('openssl');
    requireTool('curl');
    setSecretMasker((value) => masked.push(value));
    tmp = await tempDir('cosign-int');
    plain = await startRegistry('plain');
    basic = await startRegistry('basic');
    docker = await writeTestDockerConfig([plain, basic]);
    image = await writeTinyOciLayout(path.join(tmp.path, 'layout-1'), { tag: 'v1', content: 'one\n' });
    other = await writeTinyOciLayout(path.join(tmp.path, 'layout-2'), { tag: 'v2', content: 'two\n' });
    for (const reg of [plain, basic]) {
      for (const [img, tag] of [
        [image, 'v1'],
        [other, 'v2'],
      ] as const) {
        await skopeo([
          'copy',
          '--preserve-digests',
          ...skopeoFlags(reg, 'dest'),
          img.skopeoRef,
          `docker://${reg.host}/${repo}:${tag}`,
        ]);
      }
    }
    for (const [index, password] of ['first-pass', '', 'third'].entries()) {
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

  describe('when signing a tag in two registries (legacy format)', () => {
    it('writes a .sig manifest in each that skopeo reads and openssl verifies, naming the image digest', async () => {
      const result = await runRecorded(
        sign,
        env(
          { images: `${plain.host}/${repo}:v1\n${basic.host}/${repo}:v1`, key: keys[0]!.privateKeyPem },
          { COSIGN_PASSWORD: 'first-pass' },
        ),
      );
      expect(result.failed).toEqual([]);
      expect(result.outputs.digests).toBe(image.manifestDigest);
      expect(masked).toContain('first-pass');

      for (const reg of [plain, basic]) {
        // The image digest as skopeo sees it.
        const digest = sha256Digest(await inspectRaw(reg, `${repo}:v1`));
        expect(digest).toBe(image.manifestDigest);
        const manifest = JSON.parse(
          (await inspectRaw(reg, `${repo}:${sigTag(digest)}`)).toString(),
        ) as ImageManifest;
        expect({
          mediaType: manifest.mediaType,
          config: manifest.config.mediaType,
          layers: manifest.layers.map((l) => [l.mediaType, Object.keys(l.annotations ?? {})]),
        }).toEqual({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: 'application/vnd.oci.image.config.v1+json',
          layers: [
            ['application/vnd.dev.cosign.simplesigning.v1+json', ['dev.cosignproject.cosign/signature']],
          ],
        });
        const layer = manifest.layers[0]!;
        const payload = await curlBlob(reg, repo, layer.digest);
        expect(sha256Digest(payload)).toBe(layer.digest);
        const payloadFile = path.join(tmp.path, `payload-${reg.variant}`);
        const sigFile = path.join(tmp.path, `sig-${reg.variant}.der`);
        await writeFile(payloadFile, payload);
        await writeFile(
          sigFile,
          Buffer.from(layer.annotations!['dev.cosignproject.cosign/signature']!, 'base64'),
        );
        expect(await opensslVerify(keys[0]!.file, sigFile, payloadFile)).toBe(true);
        expect(await opensslVerify(keys[2]!.file, sigFile, payloadFile)).toBe(false);
        expect(JSON.parse(payload.toString())).toEqual({
          critical: {
            identity: { 'docker-reference': `${reg.host}/${repo}` },
            image: { 'docker-manifest-digest': digest },
            type: 'cosign container image signature',
          },
          optional: null,
        });
      }
      const signatures = JSON.parse(result.outputs.signatures!) as {
        signatures: { reference: string; written: boolean }[];
      }[];
      expect(signatures.map((s) => s.signatures.map((x) => [x.reference, x.written]))).toEqual([
        [[`${plain.host}/${repo}:${sigTag(image.manifestDigest)}`, true]],
        [[`${basic.host}/${repo}:${sigTag(image.manifestDigest)}`, true]],
      ]);
    });

    it('does not duplicate its own signature, and appends another key’s while keeping the first', async () => {
      const before = JSON.parse(
        (await inspectRaw(plain, `${repo}:${sigTag(image.manifestDigest)}`)).toString(),
      ) as ImageManifest;
      const again = await runRecorded(
        sign,
        env({ images: `${plain.host}/${repo}:v1`, key: keys[0]!.privateKeyPem, password: 'first-pass' }),
      );
      expect(again.failed).toEqual([]);
      expect(
        (JSON.parse(again.outputs.signatures!) as { signatures: { written: boolean }[] }[])[0]!.signatures[0]!
          .written,
      ).toBe(false);
      // COSIGN_PASSWORD set but empty means an empty password.
      const second = await runRecorded(
        sign,
        env(
          { images: `${plain.host}/${repo}@${image.manifestDigest}`, key: keys[1]!.privateKeyPem },
          { COSIGN_PASSWORD: '' },
        ),
      );
      expect(second.failed).toEqual([]);
      const after = JSON.parse(
        (await inspectRaw(plain, `${repo}:${sigTag(image.manifestDigest)}`)).toString(),
      ) as ImageManifest;
      expect({ count: after.layers.length, first: after.layers[0] }).toEqual({
        count: 2,
        first: before.layers[0],
      });
    });

    it('says the password is wrong without echoing it', async () => {
      const result = await runRecorded(
        sign,
        env({ images: `${plain.host}/${repo}:v1`, key: keys[0]!.privateKeyPem, password: 'nope-pw' }),
      );
      expect(result.failed).toEqual(["input 'password': wrong password: the private key did not decrypt"]);
    });
  });

  describe('when verifying legacy signatures', () => {
    it('passes with a signer’s key in both registries and outputs repo@digest', async () => {
      const result = await runRecorded(
        verify,
        env({
          images: `${plain.host}/${repo}:v1\n${basic.host}/${repo}:v1`,
          'public-keys': keys[2]!.publicKeyPem + keys[0]!.publicKeyPem,
        }),
      );
      expect(result.failed).toEqual([]);
      expect(result.outputs.verified).toBe(
        `${plain.host}/${repo}@${image.manifestDigest}\n${basic.host}/${repo}@${image.manifestDigest}`,
      );
    });

    it('fails with a table when no key matches, when unsigned, or when a signature names another digest', async () => {
      // A replayed signature: image v1's .sig copied onto image v2's .sig tag.
      await skopeo([
        'copy',
        '--preserve-digests',
        ...skopeoFlags(plain, 'src'),
        ...skopeoFlags(plain, 'dest'),
        `docker://${plain.host}/${repo}:${sigTag(image.manifestDigest)}`,
        `docker://${plain.host}/${repo}:${sigTag(other.manifestDigest)}`,
      ]);
      const result = await runRecorded(
        verify,
        env({
          images: `${plain.host}/${repo}:v1\n${plain.host}/${repo}:v2\n${basic.host}/${repo}:v2`,
          'public-keys': keys[2]!.publicKeyPem,
        }),
      );
      const replay = await runRecorded(
        verify,
        env({ images: `${plain.host}/${repo}:v2`, 'public-keys': keys[0]!.publicKeyPem }),
      );
      expect(result.failed).toHaveLength(1);
      const message = result.failed[0]!;
      expect(message).toMatch(/^3 of 3 image\(s\) have no valid signature/);
      expect(message).toMatch(
        /legacy .*:sha256-[0-9a-f]{64}\.sig#1 +FAIL: signature verifies with none of the 1 key\(s\)/,
      );
      expect(message).toMatch(/FAIL: no signature found/);
      const missing = await runRecorded(
        verify,
        env({ images: `${basic.host}/${repo}:nope`, 'public-keys': keys[0]!.publicKeyPem }),
      );
      expect(missing.failed[0]).toMatch(/team\/app:nope +- +- +- +FAIL: image not found/);
      expect(replay.failed[0]).toMatch(/FAIL: payload names sha256:[0-9a-f]{12}…, not this image/);
    });
  });

  describe('when signing in the bundle format on a registry without the referrers API', () => {
    it('pushes a referrer in the sha256-<hex> fallback index whose DSSE signature openssl verifies', async () => {
      const result = await runRecorded(
        sign,
        env({
          images: `${basic.host}/${repo}:v2`,
          key: keys[2]!.privateKeyPem,
          password: 'third',
          format: 'bundle',
          annotations: 'env=prod',
        }),
      );
      expect(result.failed).toEqual([]);
      const index = JSON.parse(
        (await inspectRaw(basic, `${repo}:${other.manifestDigest.replace(':', '-')}`)).toString(),
      ) as ImageIndex;
      expect(index.manifests.map((d) => d.artifactType)).toEqual([
        'application/vnd.dev.sigstore.bundle.v0.3+json',
      ]);
      const referrer = JSON.parse(
        (await inspectRaw(basic, `${repo}@${index.manifests[0]!.digest}`)).toString(),
      ) as ImageManifest;
      expect({
        subject: referrer.subject?.digest,
        artifactType: referrer.artifactType,
        layer: referrer.layers[0]!.mediaType,
      }).toEqual({
        subject: other.manifestDigest,
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        layer: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      });
      const bundle = JSON.parse((await curlBlob(basic, repo, referrer.layers[0]!.digest)).toString()) as {
        dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] };
      };
      const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
      expect(JSON.parse(statement.toString())).toEqual({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ digest: { sha256: other.manifestDigest.slice(7) }, annotations: { env: 'prod' } }],
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
        predicate: {},
      });
      const paeFile = path.join(tmp.path, 'pae');
      const sigFile = path.join(tmp.path, 'dsse.der');
      await writeFile(paeFile, preAuthEncoding(bundle.dsseEnvelope.payloadType, statement));
      await writeFile(sigFile, Buffer.from(bundle.dsseEnvelope.signatures[0]!.sig, 'base64'));
      expect(await opensslVerify(keys[2]!.file, sigFile, paeFile)).toBe(true);

      const images = `${basic.host}/${repo}:v2`;
      const ok = await runRecorded(
        verify,
        env({ images, 'public-keys': keys[2]!.publicKeyPem, format: 'bundle', annotations: 'env=prod' }),
      );
      const legacyOnly = await runRecorded(
        verify,
        env({ images, 'public-keys': keys[2]!.publicKeyPem, format: 'legacy' }),
      );
      const wrongAnnotation = await runRecorded(
        verify,
        env({ images, 'public-keys': keys[2]!.publicKeyPem, annotations: 'env=dev' }),
      );
      expect(ok.failed).toEqual([]);
      expect(ok.outputs.verified).toBe(`${basic.host}/${repo}@${other.manifestDigest}`);
      expect(legacyOnly.failed[0]).toMatch(/FAIL: no signature found/);
      expect(wrongAnnotation.failed[0]).toMatch(
        /bundle .* FAIL: annotation env=dev required, found env=prod/,
      );
    });
  });
});
