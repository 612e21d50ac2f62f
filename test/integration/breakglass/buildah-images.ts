import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../../harness/tools';
import { tempDir, type TempDir } from '../../harness/temp';

const exec = promisify(execFile);

/** Buildah with its own storage (vfs) in a temp dir, so nothing outside the test is touched. */
export class Buildah {
  private constructor(
    private readonly tmp: TempDir,
    private readonly binary: string,
  ) {}

  static async create(): Promise<Buildah> {
    return new Buildah(await tempDir('buildah'), requireTool('buildah'));
  }

  async run(...args: string[]): Promise<string> {
    const root = ['--root', path.join(this.tmp.path, 'root'), '--runroot', path.join(this.tmp.path, 'run')];
    const { stdout } = await exec(this.binary, [...root, '--storage-driver', 'vfs', ...args], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  }

  /**
   * A two-layer image from scratch: busybox, then a file whose content is `marker` (so each call gives a
   * different image). Returns the local image name.
   */
  async buildImage(name: string, marker: string, arch = 'amd64'): Promise<string> {
    const base = await this.run('from', '--quiet', 'scratch');
    await this.run('copy', '--quiet', base, requireTool('busybox'), '/bin/busybox');
    await this.run('config', '--arch', arch, '--os', 'linux', '--cmd', '["/bin/busybox","sh"]', base);
    await this.run('commit', '--quiet', base, `${name}-base`);
    const top = await this.run('from', '--quiet', `${name}-base`);
    const file = path.join(this.tmp.path, `${name.replace(/\W/g, '_')}.txt`);
    await writeFile(file, `${marker}\n`);
    await this.run('copy', '--quiet', top, file, '/etc/marker');
    await this.run('commit', '--quiet', top, name);
    return name;
  }

  /**
   * Pushes a local image to `destination` (docker://host/repo:tag) over plain HTTP, as an OCI manifest or
   * (`docker`, what Kaniko pushes by default) a Docker schema 2 manifest.
   */
  async push(image: string, destination: string, format: 'oci' | 'docker' = 'oci'): Promise<void> {
    await this.run(
      'push',
      '--quiet',
      '--format',
      format,
      '--tls-verify=false',
      image,
      `docker://${destination}`,
    );
  }

  /** Builds `images` (one per architecture) into a manifest list and pushes it all to `destination`. */
  async pushIndex(
    list: string,
    images: { image: string; arch: string }[],
    destination: string,
  ): Promise<void> {
    await this.run('manifest', 'create', list);
    for (const { image, arch } of images) {
      await this.run('manifest', 'add', '--arch', arch, '--os', 'linux', list, image);
    }
    await this.run(
      'manifest',
      'push',
      '--quiet',
      '--all',
      '--tls-verify=false',
      list,
      `docker://${destination}`,
    );
  }

  cleanup(): Promise<void> {
    return this.tmp.cleanup();
  }
}

/** `skopeo` against plain-HTTP loopback registries; returns stdout. */
export async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await exec(requireTool('skopeo'), args, {
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

export interface RawManifest {
  mediaType?: string;
  config: { digest: string };
  layers: { digest: string; mediaType: string }[];
  manifests?: { digest: string; platform?: { architecture: string; os: string } }[];
}

export async function inspectRaw(reference: string): Promise<RawManifest> {
  return JSON.parse(
    await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${reference}`),
  ) as RawManifest;
}
