import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A build context: busybox-static copied into a scratch image, with a RUN step. */
export async function writeBuildContext(dir: string, busybox: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(busybox, path.join(dir, 'busybox'));
  await writeFile(
    path.join(dir, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'RUN ["/bin/busybox", "mkdir", "-p", "/srv/demo"]',
      'CMD ["/bin/busybox", "sh"]',
      '',
    ].join('\n'),
  );
}

/** A small model: a weights shard in a nested folder, its config and tokenizer files. */
export async function writeModel(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'weights'), { recursive: true });
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify({ architectures: ['DemoForCausalLM'], hidden_size: 64 }),
  );
  await writeFile(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({ version: '1.0', model: { type: 'BPE' } }),
  );
  await writeFile(path.join(dir, 'README.md'), '# demo model\n');
  await writeFile(
    path.join(dir, 'weights', 'model-00001-of-00001.safetensors'),
    randomBytes(8 * 1024 * 1024),
  );
}

/** A repository whose Dockerfile and compose file point at images in the demo registries. */
export async function writeRepinRepository(dir: string, image: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'Dockerfile'),
    `# syntax check: comments and CRLF are kept\r\nFROM ${image} AS base\r\nRUN true\r\n`,
  );
  await writeFile(
    path.join(dir, 'compose.yaml'),
    `services:\n  app:\n    image: "${image}" # pinned by repin\n`,
  );
}
