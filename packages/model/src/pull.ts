import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { mapLimit, type Logger } from '@sovereign-ci/action-kit';
import type { Descriptor, ImageManifest, Repository } from '@sovereign-ci/oci';
import { Annotation } from './media-types';
import { checkModelPaths, ModelPathError } from './model-path';
import { hashStream } from './verify-stream';

export interface PullOptions {
  /** Tag or digest of the manifest. */
  reference: string;
  /** Directory to write the files into (created when missing). */
  dir: string;
  concurrency?: number;
  logger: Logger;
  signal?: AbortSignal;
}

export interface PulledFile {
  path: string;
  digest: string;
  size: number;
  status: 'downloaded' | 'present';
}

export interface PullResult {
  manifest: Descriptor;
  files: PulledFile[];
  bytes: number;
  downloadedBytes: number;
}

/**
 * Writes every titled layer of a model artifact (ours, or one made by `oras push`) to its path below
 * `dir`. Each file streams through digest verification into a temporary name and is renamed into place
 * only when it checked out; files already there with the right digest are kept.
 */
export async function pullModel(repo: Repository, options: PullOptions): Promise<PullResult> {
  const fetched = await repo.manifests.fetch(options.reference);
  if (!('layers' in fetched.manifest)) {
    throw new Error(
      `${repo.registry}/${repo.name}:${options.reference} is an index, not a model artifact manifest`,
    );
  }
  const manifest = fetched.manifest as ImageManifest;
  const layers = manifest.layers.filter((l) => {
    const title = l.annotations?.[Annotation.title];
    if (l.annotations?.['io.deis.oras.content.unpack'] === 'true') {
      throw new Error(
        `layer ${title ?? l.digest} is a packed directory (oras push of a folder); pull it with oras`,
      );
    }
    if (!title)
      options.logger.warning(`skipping layer ${l.digest}: it has no ${Annotation.title} annotation`);
    return Boolean(title);
  });
  const paths = checkModelPaths(layers.map((l) => l.annotations?.[Annotation.title] as string));
  await mkdir(options.dir, { recursive: true });
  const root = await realpath(options.dir);

  const files = await mapLimit(layers, Math.max(1, options.concurrency ?? 4), async (layer, i) => {
    const rel = paths[i] as string;
    const target = await safeTarget(root, rel);
    const file = { path: rel, digest: layer.digest, size: layer.size };
    if (await hasContent(target, layer)) return { ...file, status: 'present' as const };
    const temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`,
    );
    try {
      const body = await repo.blobs.fetch(layer);
      await pipeline(
        body,
        createWriteStream(temp, { flags: 'wx' }),
        ...(options.signal ? [{ signal: options.signal }] : []),
      );
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    options.logger.info(`${rel}: ${layer.size} bytes, ${layer.digest}`);
    return { ...file, status: 'downloaded' as const };
  });
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const downloadedBytes = files.filter((f) => f.status === 'downloaded').reduce((n, f) => n + f.size, 0);
  return { manifest: fetched.descriptor, files, bytes, downloadedBytes };
}

/** The absolute target of `rel` below `root`, refusing symbolic links on the way (and at the end). */
async function safeTarget(root: string, rel: string): Promise<string> {
  const parts = rel.split('/');
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = path.join(at, parts[i] as string);
    const info = await lstat(at).catch(() => undefined);
    if (!info) {
      if (i < parts.length - 1)
        await mkdir(at, { recursive: false }).catch(async (e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
          if (!(await lstat(at)).isDirectory())
            throw new ModelPathError(rel, `${parts.slice(0, i + 1).join('/')} is not a directory`);
        });
      continue;
    }
    if (info.isSymbolicLink())
      throw new ModelPathError(
        rel,
        `${parts.slice(0, i + 1).join('/')} is a symbolic link in the target directory`,
      );
    if (i < parts.length - 1 && !info.isDirectory())
      throw new ModelPathError(rel, `${parts.slice(0, i + 1).join('/')} is not a directory`);
    if (i === parts.length - 1 && !info.isFile())
      throw new ModelPathError(rel, 'the target exists and is not a regular file');
  }
  return at;
}

async function hasContent(target: string, layer: Descriptor): Promise<boolean> {
  const info = await stat(target).catch(() => undefined);
  if (!info?.isFile() || info.size !== layer.size) return false;
  if (!layer.digest.startsWith('sha256:')) return false;
  return (await hashStream(createReadStream(target, { highWaterMark: 1 << 20 }))).digest === layer.digest;
}
