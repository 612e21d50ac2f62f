import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setSecretMasker } from '@sovereign-ci/action-kit';
import { generateKeyPair } from '@sovereign-ci/cosign';
import type { ImageManifest } from '@sovereign-ci/oci';
import { run as sign } from '../../../actions/sign/src/run';
import { run as verify } from '../../../actions/verify/src/run';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { writeTinyOciLayout, type TinyImage } from '../../harness/oci-layout';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { tempDir, type TempDir } from '../../harness/temp';
import { runRecorded } from '../../harness/recorded-run';

describe('sign and verify with a signature repository (token-auth registry)', () => {
  let reg: TestRegistry;
  let docker: TestDockerConfig;
  let tmp: TempDir;
  let image: TinyImage;
  let pair: { privateKeyPem: string; publicKeyPem: string };

  const env = (inputs: Record<string, string>) => {
    const out: Record<string, string> = { DOCKER_CONFIG: docker.dir, RUNNER_TEMP: tmp.path };
    for (const [name, value] of Object.entries(inputs)) out[`INPUT_${name.toUpperCase()}`] = value;
    return out;
  };

  beforeAll(async () => {
    setSecretMasker(() => undefined);
    tmp = await tempDir('cosign-sigrepo');
    reg = await startRegistry('token');
    docker = await writeTestDockerConfig([reg]);
    image = await writeTinyOciLayout(path.join(tmp.path, 'layout'), { tag: 'v1', content: 'sigrepo\n' });
    await skopeo([
      'copy',
      '--preserve-digests',
      ...skopeoFlags(reg, 'dest'),
      image.skopeoRef,
      `docker://${reg.host}/team/app:v1`,
    ]);
    pair = await generateKeyPair('pw', { scryptN: 32768 });
  });

  afterAll(async () => {
    await reg?.stop();
    await docker?.cleanup();
    await tmp?.cleanup();
  });

  describe('when signatures go to another repository in both formats', () => {
    it('writes them there, and only a verify that looks there passes', async () => {
      const images = `${reg.host}/team/app:v1`;
      const signed = await runRecorded(
        sign,
        env({
          images,
          key: pair.privateKeyPem,
          password: 'pw',
          format: 'both',
          'signature-repository': 'sigs/app',
        }),
      );
      expect(signed.failed).toEqual([]);
      const tag = `${image.manifestDigest.replace(':', '-')}.sig`;
      const { stdout } = await skopeo([
        'inspect',
        '--raw',
        ...skopeoFlags(reg, 'plain'),
        `docker://${reg.host}/sigs/app:${tag}`,
      ]);
      expect((JSON.parse(stdout) as ImageManifest).layers).toHaveLength(1);
      const outputs = JSON.parse(signed.outputs.signatures!) as {
        signatures: { format: string; reference: string }[];
      }[];
      expect(
        outputs[0]!.signatures.map((s) => [s.format, s.reference.replace(/@sha256:[0-9a-f]{64}$/, '@…')]),
      ).toEqual([
        ['legacy', `${reg.host}/sigs/app:${tag}`],
        ['bundle', `${reg.host}/sigs/app@…`],
      ]);

      const there = await runRecorded(
        verify,
        env({ images, 'public-keys': pair.publicKeyPem, 'signature-repository': `${reg.host}/sigs/app` }),
      );
      const bundleThere = await runRecorded(
        verify,
        env({
          images,
          'public-keys': pair.publicKeyPem,
          'signature-repository': 'sigs/app',
          format: 'bundle',
        }),
      );
      const own = await runRecorded(verify, env({ images, 'public-keys': pair.publicKeyPem }));
      expect([there.failed, there.outputs.verified, bundleThere.failed]).toEqual([
        [],
        `${reg.host}/team/app@${image.manifestDigest}`,
        [],
      ]);
      expect(own.failed[0]).toMatch(/FAIL: no signature found/);
    });
  });
});
