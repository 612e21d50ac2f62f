import { createHash } from 'node:crypto';
import path from 'node:path';
import { RegistryClient } from '@sovereign-ci/oci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { pushSampleIndex } from '../../harness/sample-images';
import { skopeo, skopeoFlags } from '../../harness/skopeo';
import { runCli, sourceCli } from './run-cli';

function cli(args: string[], env: Record<string, string>) {
  return runCli(sourceCli, args, { env });
}

describe('sovereign-ci copy', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let config: TestDockerConfig;
  let index: { digest: string; size: number };
  let children: string[];

  beforeAll(async () => {
    [source, target] = await Promise.all([startRegistry('plain'), startRegistry('basic')]);
    config = await writeTestDockerConfig([target]);
    const pushed = await pushSampleIndex(new RegistryClient().repository(source.host, 'team/app'), 'v1');
    index = pushed.index;
    children = pushed.children.map((child) => child.manifest.digest);
  });
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop(), config?.cleanup()]);
  });

  describe('when the target credentials are in the docker config', () => {
    it('copies the index with its children and prints the root descriptor', async () => {
      const run = cli(['copy', `${source.host}/team/app:v1`, `${target.host}/mirror/app:v1`], {
        DOCKER_CONFIG: config.dir,
      });
      expect(run.stderr).not.toContain(target.password ?? '<no password>');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout.trimEnd().split('\n').at(-1) ?? '')).toEqual({
        digest: index.digest,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        size: index.size,
      });

      // Cross-check with skopeo: the tag serves the same bytes, and every child is there.
      const flags = skopeoFlags(target, 'plain');
      const raw = await skopeo(['inspect', '--raw', ...flags, `docker://${target.host}/mirror/app:v1`]);
      expect(`sha256:${createHash('sha256').update(raw.stdout).digest('hex')}`).toBe(index.digest);
      for (const child of children) {
        const inspected = await skopeo(['inspect', ...flags, `docker://${target.host}/mirror/app@${child}`]);
        expect(JSON.parse(inspected.stdout)).toMatchObject({ Digest: child });
      }
    });
  });

  describe('when the target needs credentials the config lacks', () => {
    it('fails with the registry error and exit code 1', () => {
      const run = cli(['copy', `${source.host}/team/app:v1`, `${target.host}/mirror/other:v1`], {
        DOCKER_CONFIG: path.join(config.dir, 'missing'),
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/sovereign-ci copy: .*(401|unauthorized)/i);
    });
  });
});
