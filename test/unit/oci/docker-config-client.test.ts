import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerConfigClient, maskedDockerConfigCredentials, RegistryClient } from '@sovereign-ci/oci';

describe('maskedDockerConfigCredentials', () => {
  it('reads $DOCKER_CONFIG/config.json and masks every secret it hands out', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'docker-config-'));
    const auth = Buffer.from('robot:s3cret-pass').toString('base64');
    await writeFile(
      path.join(dir, 'config.json'),
      JSON.stringify({ auths: { 'harbor.lab': { auth }, 'ghcr.io': { identitytoken: 'id-token-123' } } }),
    );
    const masked: string[] = [];
    expect(dockerConfigClient({ DOCKER_CONFIG: dir })).toBeInstanceOf(RegistryClient);
    const provider = maskedDockerConfigCredentials({ DOCKER_CONFIG: dir }, (v) => masked.push(v));
    expect(await provider.get('harbor.lab')).toEqual({ username: 'robot', password: 's3cret-pass' });
    expect(await provider.get('ghcr.io')).toMatchObject({ identityToken: 'id-token-123' });
    expect(await provider.get('quay.io')).toBeUndefined();
    expect(masked).toEqual(['s3cret-pass', 'id-token-123']);
    await rm(dir, { recursive: true });
  });
});
