import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../actions/repin/src/run';
import { startFakeForgejo, type FakeForgejo } from '../../harness/forgejo-fake';
import { writeTestDockerConfig, type TestDockerConfig } from '../../harness/docker-config';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { tempDir, type TempDir } from '../../harness/temp';
import { requireTool } from '../../harness/tools';
import { pushTestImage, servedDigest, servedManifest } from './oci-layout-images';
import { inputsEnv, runRecorded } from '../../harness/recorded-run';

describe('repin action', () => {
  let upstream: TestRegistry;
  let mirror: TestRegistry;
  let tmp: TempDir;
  let docker: TestDockerConfig;
  let oldArm64 = '';

  beforeAll(async () => {
    requireTool('skopeo');
    requireTool('sha256sum');
    // the upstream registry needs the docker config's credentials; the mirror is anonymous
    [upstream, mirror] = await Promise.all([startRegistry('basic'), startRegistry('plain')]);
    tmp = await tempDir('repin-int');
    docker = await writeTestDockerConfig([upstream]);
    await pushTestImage(upstream, 'team/base:1', ['linux/amd64', 'linux/arm64'], 'old');
    oldArm64 =
      (await servedManifest(upstream, 'team/base:1')).manifests?.find(
        (m) => m.platform?.architecture === 'arm64',
      )?.digest ?? '';
    await pushTestImage(upstream, 'team/base:1', ['linux/amd64', 'linux/arm64'], 'new');
    await pushTestImage(upstream, 'team/tool:2', ['linux/amd64'], 'tool');
    await pushTestImage(mirror, 'docker-hub/library/alpine:3.19', ['linux/amd64', 'linux/arm64'], 'alpine');
  });
  afterAll(async () => {
    await Promise.all([upstream?.stop(), mirror?.stop()]);
    await tmp?.cleanup();
    await docker?.cleanup();
  });

  const sample = (): Record<string, string> => {
    const u = upstream.host;
    return {
      Dockerfile: `# syntax=docker/dockerfile:1\r\nFROM ${u}/team/base:1 AS build\r\nCOPY --from=${u}/team/tool:2 /x /y\r\nFROM alpine:3.19\r\nCOPY --from=build /a /b\r\n`,
      'arm/Dockerfile': `FROM --platform=linux/arm64 ${u}/team/base:1@${oldArm64}\n`,
      'compose.yaml': `services:\n  app:\n    image: "${u}/team/tool:2" # the tool\n  db:\n    image: 127.0.0.1:9/nothing/here:1\n`,
      '.forgejo/workflows/ci.yml': `jobs:\n  t:\n    container: ${u}/team/base:1\n    steps:\n      - uses: docker://alpine:3.19\n`,
    };
  };

  async function writeSample(dir: string): Promise<void> {
    for (const [file, text] of Object.entries(sample())) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
  }

  const env = (workspace: string, inputs: Record<string, string>): Record<string, string> => ({
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: tmp.path,
    DOCKER_CONFIG: docker.dir,
    ...inputsEnv({ mirrors: `docker.io=${mirror.host}/docker-hub`, 'allow-unresolved': 'true', ...inputs }),
  });

  describe('when run with pull-request: false', () => {
    it('rewrites every reference to the digest skopeo sees, keeps the arm64 platform, and a second run changes nothing', async () => {
      const ws = path.join(tmp.path, 'ws1');
      await writeSample(ws);
      const first = await runRecorded(run, env(ws, { 'pull-request': 'false' }));
      const u = upstream.host;
      const base = await servedDigest(upstream, 'team/base:1');
      const tool = await servedDigest(upstream, 'team/tool:2');
      const alpine = await servedDigest(mirror, 'docker-hub/library/alpine:3.19');
      const newArm64 = (await servedManifest(upstream, 'team/base:1')).manifests?.find(
        (m) => m.platform?.architecture === 'arm64',
      )?.digest;
      const read = (f: string): Promise<string> => readFile(path.join(ws, f), 'utf8');
      expect(first.failed).toEqual([]);
      expect({
        Dockerfile: await read('Dockerfile'),
        arm: await read('arm/Dockerfile'),
        compose: await read('compose.yaml'),
        workflow: await read('.forgejo/workflows/ci.yml'),
      }).toEqual({
        Dockerfile: `# syntax=docker/dockerfile:1\r\nFROM ${u}/team/base:1@${base} AS build\r\nCOPY --from=${u}/team/tool:2@${tool} /x /y\r\nFROM alpine:3.19@${alpine}\r\nCOPY --from=build /a /b\r\n`,
        arm: `FROM --platform=linux/arm64 ${u}/team/base:1@${newArm64}\n`,
        compose: `services:\n  app:\n    image: "${u}/team/tool:2@${tool}" # the tool\n  db:\n    image: 127.0.0.1:9/nothing/here:1\n`,
        workflow: `jobs:\n  t:\n    container: ${u}/team/base:1@${base}\n    steps:\n      - uses: docker://alpine:3.19@${alpine}\n`,
      });
      expect(newArm64).not.toBe(oldArm64);
      const skipped = JSON.parse(first.outputs.skipped ?? '[]') as { reason: string; image: string }[];
      expect(skipped.map((s) => `${s.reason} ${s.image}`).sort()).toEqual([
        'stage-alias build',
        'unresolved 127.0.0.1:9/nothing/here:1',
        // the syntax directive names docker.io, resolved through the mirror, which does not have it
        'unresolved docker/dockerfile:1',
      ]);
      expect(JSON.parse(first.outputs['changed-files'] ?? '[]')).toEqual([
        '.forgejo/workflows/ci.yml',
        'Dockerfile',
        'arm/Dockerfile',
        'compose.yaml',
      ]);

      const before = await Promise.all(Object.keys(sample()).map(read));
      const second = await runRecorded(run, env(ws, { 'pull-request': 'false' }));
      expect([
        second.outputs.changes,
        second.failed,
        await Promise.all(Object.keys(sample()).map(read)),
      ]).toEqual(['[]', [], before]);
    });

    it('fails at the end when a reference is unresolved and allow-unresolved is false', async () => {
      const ws = path.join(tmp.path, 'ws2');
      await writeSample(ws);
      const result = await runRecorded(
        run,
        env(ws, { 'pull-request': 'false', 'allow-unresolved': 'false' }),
      );
      expect(result.failed.length).toBe(1);
      expect(result.failed[0]).toContain('2 image reference(s) could not be resolved');
      expect(await readFile(path.join(ws, 'compose.yaml'), 'utf8')).toContain(
        `"${upstream.host}/team/tool:2@sha256:`,
      );
    });

    it('with dry-run prints a unified diff and writes nothing', async () => {
      const ws = path.join(tmp.path, 'ws3');
      await writeSample(ws);
      const result = await runRecorded(run, env(ws, { 'pull-request': 'false', 'dry-run': 'true' }));
      expect(await readFile(path.join(ws, 'arm/Dockerfile'), 'utf8')).toBe(sample()['arm/Dockerfile']);
      expect(result.log.join('\n')).toContain(
        `--- a/arm/Dockerfile\n+++ b/arm/Dockerfile\n@@ -1,1 +1,1 @@\n-FROM --platform=linux/arm64 ${upstream.host}/team/base:1@${oldArm64}\n+FROM`,
      );
    });
  });

  describe('when run against a Forgejo server', () => {
    let fake: FakeForgejo;
    beforeAll(async () => {
      fake = await startFakeForgejo();
      fake.addRepo('team', 'app', sample());
      fake.repo('team', 'app').addLabel('dependencies');
    });
    afterAll(() => fake?.stop());

    const forgejoEnv = (): Record<string, string> => ({
      ...env(path.join(tmp.path, 'ws-pr'), { labels: 'dependencies' }),
      FORGEJO_ACTIONS: 'true',
      FORGEJO_API_URL: fake.apiUrl,
      FORGEJO_TOKEN: fake.token,
      GITHUB_REPOSITORY: 'team/app',
    });
    const writes = (): string[] =>
      fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.operationId ?? ''} ${r.status}`);

    it('opens a pull request, updates the same one when a digest moves, then does nothing, and refuses a foreign commit', async () => {
      await writeSample(path.join(tmp.path, 'ws-pr'));
      const first = await runRecorded(run, forgejoEnv());
      const repo = fake.repo('team', 'app');
      const pull = repo.pulls[0];
      const firstHead = repo.branches.get('repin/base-digests');
      expect([
        first.failed,
        repo.pulls.length,
        pull?.head,
        pull?.base,
        first.outputs['pull-request-number'],
      ]).toEqual([[], 1, 'repin/base-digests', 'main', '1']);
      expect(first.outputs['pull-request-url']).toBe(`${fake.url}/team/app/pulls/1`);
      expect(writes()).toEqual(['repoCreateBranch 201', 'repoChangeFiles 201', 'repoCreatePullRequest 201']);
      const branchCompose = repo.head('repin/base-digests').files.get('compose.yaml')?.toString();
      expect(branchCompose).toContain(
        `"${upstream.host}/team/tool:2@${await servedDigest(upstream, 'team/tool:2')}" # the tool`,
      );
      expect(first.secrets).toContain(fake.token);

      await pushTestImage(upstream, 'team/tool:2', ['linux/amd64'], 'tool-v2');
      const newTool = await servedDigest(upstream, 'team/tool:2');
      fake.requests.length = 0;
      const second = await runRecorded(run, forgejoEnv());
      expect([second.failed, repo.pulls.length, writes()]).toEqual([
        [],
        1,
        ['repoChangeFiles 201', 'repoEditPullRequest 201'],
      ]);
      expect(repo.branches.get('repin/base-digests')).not.toBe(firstHead);
      expect(repo.pulls[0]?.body).toContain(newTool);
      expect(repo.head('repin/base-digests').files.get('compose.yaml')?.toString()).toContain(newTool);

      fake.requests.length = 0;
      const third = await runRecorded(run, forgejoEnv());
      expect([third.failed, writes(), third.outputs['pull-request-number']]).toEqual([[], [], '1']);

      fake.pushCommit('team', 'app', 'repin/base-digests', { 'notes.txt': 'mine' }, 'a human fix');
      await pushTestImage(upstream, 'team/tool:2', ['linux/amd64'], 'tool-v3');
      fake.requests.length = 0;
      const fourth = await runRecorded(run, forgejoEnv());
      expect(fourth.failed.length).toBe(1);
      expect(fourth.failed[0]).toMatch(
        /branch 'repin\/base-digests' has 1 commit\(s\) not made by repin \([0-9a-f]{12} by someone-else\); refusing to overwrite/,
      );
      expect(writes()).toEqual([]);
      expect(fake.violations).toEqual([]);
    });
  });
});
