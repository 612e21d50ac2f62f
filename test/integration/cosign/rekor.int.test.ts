import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { generateKeyPair } from '@sovereign-ci/cosign';
import type { ImageManifest } from '@sovereign-ci/oci';
import { run as sign } from '../../../actions/sign/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { writeTinyOciLayout, sha256Digest, type TinyImage } from '../../harness/oci-layout';
import { canonicalJson, startRekorFake, type RekorFake } from '../../harness/rekor-fake';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { runRecorded } from '../../harness/recorded-run';
import { curlBlob, opensslVerify } from './tools';

const repo = 'team/logged';
const sigTag = (digest: string) => `${digest.replace(':', '-')}.sig`;

interface RekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

describe('sign with rekor-url', () => {
  let reg: TestRegistry;
  let docker: TestDockerConfig;
  let tmp: TempDir;
  let rekor: RekorFake;
  const images: TinyImage[] = [];
  let key: { privateKeyPem: string; publicKeyPem: string; file: string };
  let logKeyFile: string;

  const env = (inputs: Record<string, string>) => {
    const out: Record<string, string> = { DOCKER_CONFIG: docker.dir, RUNNER_TEMP: tmp.path };
    for (const [name, value] of Object.entries(inputs)) out[`INPUT_${name.toUpperCase()}`] = value;
    return out;
  };
  const inspectRaw = async (reference: string): Promise<Buffer> =>
    Buffer.from(
      (await skopeo(['inspect', '--raw', ...skopeoFlags(reg, 'plain'), `docker://${reg.host}/${reference}`]))
        .stdout,
    );
  const signatureManifest = async (image: TinyImage) =>
    JSON.parse((await inspectRaw(`${repo}:${sigTag(image.manifestDigest)}`)).toString()) as ImageManifest;

  beforeAll(async () => {
    requireTool('openssl');
    requireTool('curl');
    setSecretMasker(() => undefined);
    tmp = await tempDir('cosign-rekor-int');
    reg = await startRegistry('plain');
    docker = await writeTestDockerConfig([reg]);
    rekor = await startRekorFake();
    logKeyFile = path.join(tmp.path, 'rekor.pub');
    await writeFile(logKeyFile, rekor.publicKeyPem);
    for (const [index, content] of ['a\n', 'b\n', 'c\n'].entries()) {
      const image = await writeTinyOciLayout(path.join(tmp.path, `layout-${index}`), {
        tag: `v${index}`,
        content,
      });
      await skopeo([
        'copy',
        '--preserve-digests',
        ...skopeoFlags(reg, 'dest'),
        image.skopeoRef,
        `docker://${reg.host}/${repo}:v${index}`,
      ]);
      images.push(image);
    }
    const pair = await generateKeyPair('pw', { scryptN: 32768 });
    key = { ...pair, file: path.join(tmp.path, 'cosign.pub') };
    await writeFile(key.file, pair.publicKeyPem);
  });

  afterAll(async () => {
    await rekor?.stop();
    await reg?.stop();
    await docker?.cleanup();
    await tmp?.cleanup();
  });

  describe('when rekor-url is not given', () => {
    it('signs without a single request reaching the log, and attaches no bundle annotation', async () => {
      const result = await runRecorded(
        sign,
        env({ images: `${reg.host}/${repo}:v0`, key: key.privateKeyPem, password: 'pw' }),
      );
      expect(result.failed).toEqual([]);
      expect(rekor.requests).toEqual([]);
      const manifest = await signatureManifest(images[0]!);
      expect(manifest.layers.map((layer) => Object.keys(layer.annotations ?? {}))).toEqual([
        ['dev.cosignproject.cosign/signature'],
      ]);
    });
  });

  describe('when rekor-url names a log', () => {
    it('records a hashedrekord entry first and pushes its bundle in the layer annotation, as cosign does', async () => {
      const result = await runRecorded(
        sign,
        env({
          images: `${reg.host}/${repo}:v1`,
          key: key.privateKeyPem,
          password: 'pw',
          'rekor-url': rekor.url,
        }),
      );
      expect(result.failed).toEqual([]);
      expect(rekor.requests.map((r) => [r.method, r.path, r.contentType, r.status])).toEqual([
        ['POST', '/api/v1/log/entries', 'application/json', 201],
      ]);
      const digest = sha256Digest(await inspectRaw(`${repo}:v1`));
      expect(digest).toBe(images[1]!.manifestDigest);
      const manifest = await signatureManifest(images[1]!);
      expect(manifest.layers.map((layer) => Object.keys(layer.annotations ?? {}).sort())).toEqual([
        ['dev.cosignproject.cosign/signature', 'dev.sigstore.cosign/bundle'],
      ]);
      const layer = manifest.layers[0]!;
      const signature = layer.annotations!['dev.cosignproject.cosign/signature']!;
      const bundle = JSON.parse(layer.annotations!['dev.sigstore.cosign/bundle']!) as RekorBundle;
      expect(Object.keys(bundle)).toEqual(['SignedEntryTimestamp', 'Payload']);
      expect(Object.keys(bundle.Payload)).toEqual(['body', 'integratedTime', 'logIndex', 'logID']);
      expect({ logID: bundle.Payload.logID, logIndex: bundle.Payload.logIndex }).toEqual({
        logID: rekor.logID,
        logIndex: 0,
      });

      // The body records this very signature, key and payload hash (checked with sha256 of the blob).
      const payload = await curlBlob(reg, repo, layer.digest);
      const body = JSON.parse(Buffer.from(bundle.Payload.body, 'base64').toString()) as unknown;
      expect(body).toEqual({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: sha256Digest(payload).slice(7) } },
          signature: {
            content: signature,
            publicKey: { content: Buffer.from(key.publicKeyPem).toString('base64') },
          },
        },
      });
      const files = {
        payload: path.join(tmp.path, 'payload'),
        sig: path.join(tmp.path, 'sig.der'),
        set: path.join(tmp.path, 'set.der'),
        setPayload: path.join(tmp.path, 'set-payload.json'),
      };
      await writeFile(files.payload, payload);
      await writeFile(files.sig, Buffer.from(signature, 'base64'));
      expect(await opensslVerify(key.file, files.sig, files.payload)).toBe(true);
      // The SET over the canonical JSON of Payload, as cosign's VerifySET checks it.
      await writeFile(files.setPayload, canonicalJson(bundle.Payload));
      await writeFile(files.set, Buffer.from(bundle.SignedEntryTimestamp, 'base64'));
      expect(await opensslVerify(logKeyFile, files.set, files.setPayload)).toBe(true);
      expect(await opensslVerify(key.file, files.set, files.setPayload)).toBe(false);

      const outputs = JSON.parse(result.outputs.signatures!) as {
        signatures: { tlog?: { logIndex: number } }[];
      }[];
      expect(outputs[0]!.signatures[0]!.tlog?.logIndex).toBe(0);
    });

    it('leaves an already logged signature alone on a second run, without asking the log', async () => {
      const before = await inspectRaw(`${repo}:${sigTag(images[1]!.manifestDigest)}`);
      rekor.requests.length = 0;
      const result = await runRecorded(
        sign,
        env({
          images: `${reg.host}/${repo}:v1`,
          key: key.privateKeyPem,
          password: 'pw',
          'rekor-url': rekor.url,
        }),
      );
      expect(result.failed).toEqual([]);
      expect(rekor.requests).toEqual([]);
      expect(await inspectRaw(`${repo}:${sigTag(images[1]!.manifestDigest)}`)).toEqual(before);
    });
  });

  describe('when the same key signed the digest before without a log', () => {
    it('records it now and appends a logged layer, keeping the unlogged one', async () => {
      const before = await signatureManifest(images[0]!);
      rekor.requests.length = 0;
      const result = await runRecorded(
        sign,
        env({
          images: `${reg.host}/${repo}:v0`,
          key: key.privateKeyPem,
          password: 'pw',
          'rekor-url': rekor.url,
        }),
      );
      expect(result.failed).toEqual([]);
      expect(rekor.requests.map((r) => r.status)).toEqual([201]);
      const after = await signatureManifest(images[0]!);
      expect({
        first: after.layers[0],
        second: Object.keys(after.layers[1]?.annotations ?? {}).sort(),
        count: after.layers.length,
      }).toEqual({
        first: before.layers[0],
        second: ['dev.cosignproject.cosign/signature', 'dev.sigstore.cosign/bundle'],
        count: 2,
      });
    });
  });

  describe('when the key is Ed25519', () => {
    it('refuses before any request, naming rekor-url (Rekor checks hashedrekord signatures over the digest)', async () => {
      const ed = await generateKeyPair('', { algorithm: 'ed25519', scryptN: 32768 });
      rekor.requests.length = 0;
      const result = await runRecorded(
        sign,
        env({
          images: `${reg.host}/${repo}:v2`,
          key: ed.privateKeyPem,
          password: '',
          'rekor-url': rekor.url,
        }),
      );
      expect(result.failed).toEqual([
        "input 'rekor-url': transparency-log upload needs an ECDSA key; this key is Ed25519",
      ]);
      expect(rekor.requests).toEqual([]);
    });
  });

  describe('when the log answers 5xx', () => {
    it('fails naming rekor-url and pushes no signature', async () => {
      rekor.failWith = 503;
      rekor.requests.length = 0;
      try {
        const result = await runRecorded(
          sign,
          env({
            images: `${reg.host}/${repo}:v2`,
            key: key.privateKeyPem,
            password: 'pw',
            'rekor-url': rekor.url,
          }),
        );
        expect(result.failed).toEqual([
          `input 'rekor-url': POST ${rekor.url}/api/v1/log/entries: HTTP 503: error communicating with backend; ` +
            `no signature was pushed for ${reg.host}/${repo}:v2`,
        ]);
        expect(rekor.requests.map((r) => r.status)).toEqual([503]);
      } finally {
        rekor.failWith = undefined;
      }
      const missing = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/${repo}:${sigTag(images[2]!.manifestDigest)}`,
      ]).then(
        () => 'found',
        (error: Error) => error.message,
      );
      expect(missing).toMatch(/manifest unknown|not found/i);
    });
  });
});
