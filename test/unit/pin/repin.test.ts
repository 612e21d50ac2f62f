import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@sovereign-ci/action-kit';
import { parseMirrors, repin, unifiedDiff } from '@sovereign-ci/pin';
import { tempDir, type TempDir } from '../../harness/temp';
import { FakePinClient } from './fake-pin-client';

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
}

describe('repin', () => {
  let dir: TempDir;
  let client: FakePinClient;
  beforeEach(async () => {
    dir = await tempDir('repin-unit');
    client = new FakePinClient();
  });
  afterEach(() => dir.cleanup());

  describe('when the same image appears in many files', () => {
    it('resolves each unique reference once and rewrites every occurrence', async () => {
      const alpine = client.index('docker.io/library/alpine', '3.19', ['linux/amd64', 'linux/arm64']).digest;
      await writeTree(dir.path, {
        Dockerfile: 'FROM alpine:3.19\n',
        'sub/Containerfile': 'FROM docker.io/library/alpine:3.19 AS x\n',
        'compose.yaml': 'services:\n  a:\n    image: alpine:3.19\n',
        'README.md': 'FROM alpine:3.19\n',
      });
      const result = await repin({ root: dir.path, client, logger: silentLogger });
      expect(client.requests).toEqual(['resolve docker.io/library/alpine:3.19']);
      expect(result.files.map((f) => [f.file, f.after])).toEqual([
        ['Dockerfile', `FROM alpine:3.19@${alpine}\n`],
        ['compose.yaml', `services:\n  a:\n    image: alpine:3.19@${alpine}\n`],
        ['sub/Containerfile', `FROM docker.io/library/alpine:3.19@${alpine} AS x\n`],
      ]);
      expect(result.changes[0]).toEqual({
        file: 'Dockerfile',
        line: 1,
        image: 'alpine',
        tag: '3.19',
        old: null,
        new: alpine,
        reference: `alpine:3.19@${alpine}`,
      });
    });
  });

  describe('when a mirror is configured', () => {
    it('resolves through the mirror and, with rewrite-to-mirror, rewrites the name', async () => {
      const d = client.image('harbor.lab/docker-hub/library/nginx', '1.27', 'linux/amd64');
      await writeTree(dir.path, { Dockerfile: 'FROM nginx:1.27\n' });
      const mirrors = parseMirrors({ 'docker.io': 'harbor.lab/docker-hub' });
      const plain = await repin({ root: dir.path, client, mirrors, logger: silentLogger });
      const rewritten = await repin({
        root: dir.path,
        client,
        mirrors,
        rewriteToMirror: true,
        logger: silentLogger,
      });
      expect([plain.files[0]?.after, rewritten.files[0]?.after]).toEqual([
        `FROM nginx:1.27@${d}\n`,
        `FROM harbor.lab/docker-hub/library/nginx:1.27@${d}\n`,
      ]);
    });
  });

  describe('when the existing pin is stale', () => {
    it('replaces an index pin with the new index and keeps a single-platform pin on its platform', async () => {
      const oldArm = client.index('docker.io/library/debian', '12', ['linux/amd64', 'linux/arm64']).children[
        'linux/arm64'
      ];
      const oldIndex = client.index('docker.io/library/debian', '12', ['linux/amd64', 'linux/arm64']).digest;
      const fresh = client.index('docker.io/library/debian', '12', ['linux/amd64', 'linux/arm64']);
      await writeTree(dir.path, {
        'a.dockerfile': `FROM debian:12@${oldIndex}\n`,
        'b.dockerfile': `FROM --platform=linux/arm64 debian:12@${oldArm}\n`,
      });
      const result = await repin({ root: dir.path, client, logger: silentLogger });
      expect(result.files.map((f) => f.after)).toEqual([
        `FROM debian:12@${fresh.digest}\n`,
        `FROM --platform=linux/arm64 debian:12@${fresh.children['linux/arm64']}\n`,
      ]);
      expect(result.changes.map((c) => [c.old, c.new, c.platform])).toEqual([
        [oldIndex, fresh.digest, undefined],
        [oldArm, fresh.children['linux/arm64'], 'linux/arm64'],
      ]);
    });

    it('reports a current single-platform pin as pinned', async () => {
      const fresh = client.index('docker.io/library/debian', '12', ['linux/amd64', 'linux/arm64']);
      await writeTree(dir.path, { Dockerfile: `FROM debian:12@${fresh.children['linux/amd64']}\n` });
      const result = await repin({ root: dir.path, client, logger: silentLogger });
      expect([result.files, result.skipped.map((s) => s.reason)]).toEqual([[], ['pinned']]);
    });
  });

  describe('when a registry cannot be reached', () => {
    it('skips its references with the error and still pins the others', async () => {
      const d = client.image('docker.io/library/alpine', '3', 'linux/amd64');
      client.failing.set('broken.lab/team/app', new Error('connect ECONNREFUSED'));
      await writeTree(dir.path, { Dockerfile: 'FROM broken.lab/team/app:1\nFROM alpine:3\n' });
      const result = await repin({ root: dir.path, client, logger: silentLogger });
      expect(result.skipped).toEqual([
        {
          file: 'Dockerfile',
          line: 1,
          kind: 'from',
          image: 'broken.lab/team/app:1',
          reason: 'unresolved',
          detail: 'broken.lab/team/app:1: connect ECONNREFUSED',
        },
      ]);
      expect(result.files[0]?.after).toBe(`FROM broken.lab/team/app:1\nFROM alpine:3@${d}\n`);
    });
  });
});

describe('unifiedDiff', () => {
  describe('when one line changed', () => {
    it('prints a unified diff with a/ and b/ names', () => {
      expect(unifiedDiff('Dockerfile', 'FROM a\nRUN x\n', 'FROM a:1@sha256:1\nRUN x\n')).toBe(
        '--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n-FROM a\n+FROM a:1@sha256:1\n RUN x\n',
      );
    });
  });
});
