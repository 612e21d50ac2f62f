import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PATHS, fileKind, findFiles } from '@sovereign-ci/pin';
import { tempDir, type TempDir } from '../../harness/temp';

describe('fileKind', () => {
  it.each([
    ['Dockerfile', 'dockerfile'],
    ['svc/Dockerfile.prod', 'dockerfile'],
    ['svc/Containerfile', 'dockerfile'],
    ['build/app.dockerfile', 'dockerfile'],
    ['compose.yaml', 'compose'],
    ['stack/docker-compose.prod.yml', 'compose'],
    ['.forgejo/workflows/ci.yml', 'workflow'],
    ['.gitea/workflows/ci.yaml', 'workflow'],
    ['.github/workflows/release.yml', 'workflow'],
    ['deploy/app/deployment.yaml', 'manifest'],
    ['charts/app/values.yaml', 'manifest'],
    ['README.md', undefined],
  ])('%s is %s', (file, kind) => {
    expect(fileKind(file)).toBe(kind);
  });
});

describe('findFiles', () => {
  let dir: TempDir;
  const files = [
    'Dockerfile',
    'svc/Dockerfile.prod',
    'svc/Containerfile',
    'compose.yaml',
    '.forgejo/workflows/ci.yml',
    '.github/workflows/nested/not-a-workflow.yml',
    'deploy/app.yaml',
    'node_modules/x/Dockerfile',
    '.git/Dockerfile',
    'vendor/Dockerfile',
  ];
  beforeAll(async () => {
    dir = await tempDir('pin-find');
    for (const f of files) {
      await mkdir(path.dirname(path.join(dir.path, f)), { recursive: true });
      await writeFile(path.join(dir.path, f), '');
    }
  });
  afterAll(() => dir.cleanup());

  describe('when using the default globs', () => {
    it('finds Dockerfiles, Containerfiles, compose files and workflows, never inside .git or node_modules', async () => {
      expect(await findFiles(dir.path, DEFAULT_PATHS)).toEqual([
        '.forgejo/workflows/ci.yml',
        'Dockerfile',
        'compose.yaml',
        'svc/Containerfile',
        'svc/Dockerfile.prod',
        'vendor/Dockerfile',
      ]);
    });
  });

  describe('when globs add manifests and exclude a folder', () => {
    it('applies `!` exclusions', async () => {
      expect(await findFiles(dir.path, ['**/Dockerfile', 'deploy/*.yaml', '!vendor/**'])).toEqual([
        'Dockerfile',
        'deploy/app.yaml',
      ]);
    });
  });
});
