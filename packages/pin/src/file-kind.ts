import path from 'node:path';

export type PinFileKind = 'dockerfile' | 'compose' | 'workflow' | 'manifest';

/** The default `paths` globs (Dockerfiles, Containerfiles, compose files, Forgejo/Gitea/GitHub workflows). */
export const DEFAULT_PATHS: readonly string[] = [
  '**/*Dockerfile*',
  '**/*Containerfile*',
  '**/*.dockerfile',
  '**/compose*.y*ml',
  '**/docker-compose*.y*ml',
  '.forgejo/workflows/*.y*ml',
  '.gitea/workflows/*.y*ml',
  '.github/workflows/*.y*ml',
];

/** How a file is read, from its path (relative, `/`-separated). Undefined when it is not a kind we read. */
export function fileKind(file: string): PinFileKind | undefined {
  const base = path.posix.basename(file);
  const lower = base.toLowerCase();
  const yaml = /\.ya?ml$/i.test(base);
  if (yaml && /(^|\/)\.(forgejo|gitea|github)\/workflows\/[^/]+$/.test(file)) return 'workflow';
  if (yaml && /^(docker-)?compose/i.test(base)) return 'compose';
  if (yaml) return 'manifest';
  if (lower.includes('dockerfile') || lower.includes('containerfile')) return 'dockerfile';
  return undefined;
}
