import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { Logger } from '@sovereign-ci/action-kit';

export interface TrivyScanOptions {
  /** The trivy executable (`trivy` to take it from PATH). */
  trivyPath: string;
  /** Always by digest: `registry/repo@sha256:…`. */
  image: string;
  outputFile: string;
  dbRepository?: string;
  javaDbRepository?: string;
  skipDbUpdate?: boolean;
  /** Trivy's cache (DB) directory, so it can be cached between jobs. */
  cacheDir?: string;
  /** Plain HTTP / unverified TLS to the image's registry. */
  insecure?: boolean;
  /** The child's environment (DOCKER_CONFIG, HOME, SSL_CERT_FILE, PATH, …). */
  env?: Record<string, string | undefined>;
  logger: Logger;
  timeoutMs?: number;
}

/** What Trivy is given instead of a workspace's own trivy.yaml and .trivyignore (empty: it filters nothing). */
export interface NeutralFiles {
  configFile: string;
  ignoreFile: string;
}

/**
 * Trivy settings from the environment that would filter the report before the gate sees it (the gate is the
 * only policy: counts and ignores must be its own).
 */
export const FILTERING_TRIVY_ENV = [
  'TRIVY_SEVERITY',
  'TRIVY_IGNORE_UNFIXED',
  'TRIVY_IGNORE_STATUS',
  'TRIVY_IGNOREFILE',
  'TRIVY_IGNORE_POLICY',
  'TRIVY_EXIT_CODE',
  'TRIVY_EXIT_ON_EOL',
  'TRIVY_FORMAT',
  'TRIVY_OUTPUT',
  'TRIVY_TEMPLATE',
  'TRIVY_CONFIG',
  'TRIVY_PKG_TYPES',
  'TRIVY_SCANNERS',
  // Older names of the above (--vuln-type, --security-checks), and settings that hide findings: VEX
  // statements, skipped files and directories, package relationships.
  'TRIVY_VULN_TYPE',
  'TRIVY_SECURITY_CHECKS',
  'TRIVY_VEX',
  'TRIVY_SKIP_FILES',
  'TRIVY_SKIP_DIRS',
  'TRIVY_PKG_RELATIONSHIPS',
] as const;

export class TrivyRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrivyRunError';
  }
}

/**
 * Trivy's arguments: JSON of every finding at every severity (the gate filters), exit code 0, no version
 * check, no telemetry, and neither the workspace's trivy.yaml nor its .trivyignore (`neutral` files instead).
 */
export function trivyImageArgs(
  options: Omit<TrivyScanOptions, 'trivyPath' | 'logger' | 'env'>,
  neutral?: NeutralFiles,
): string[] {
  if (!/@sha256:[0-9a-f]{64}$/.test(options.image)) {
    throw new TrivyRunError(`scan by digest only, got ${options.image}`);
  }
  const args = [
    'image',
    '--format',
    'json',
    '--output',
    options.outputFile,
    '--skip-version-check',
    '--disable-telemetry',
  ];
  args.push('--scanners', 'vuln', '--severity', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL', '--exit-code', '0');
  if (neutral) args.push('--config', neutral.configFile, '--ignorefile', neutral.ignoreFile);
  if (options.cacheDir) args.push('--cache-dir', options.cacheDir);
  if (options.dbRepository) args.push('--db-repository', options.dbRepository);
  if (options.javaDbRepository) args.push('--java-db-repository', options.javaDbRepository);
  if (options.skipDbUpdate) args.push('--skip-db-update');
  if (options.insecure) args.push('--insecure');
  args.push(options.image);
  return args;
}

/** Runs `trivy image …`; its output goes to the log line by line; a non-zero exit is an error. */
export async function runTrivyScan(options: TrivyScanOptions): Promise<void> {
  const neutral: NeutralFiles = {
    configFile: `${options.outputFile}.trivy.yaml`,
    ignoreFile: `${options.outputFile}.trivyignore`,
  };
  await writeFile(
    neutral.configFile,
    '# trivy-gate applies the policy itself; Trivy reports everything.\n{}\n',
  );
  await writeFile(neutral.ignoreFile, '');
  const args = trivyImageArgs(options, neutral);
  options.logger.info(`trivy ${args.join(' ')}`);
  const filtering = new Set<string>(FILTERING_TRIVY_ENV);
  const env = options.env
    ? Object.fromEntries(Object.entries(options.env).filter(([k, v]) => v !== undefined && !filtering.has(k)))
    : undefined;
  const child = spawn(options.trivyPath, args, {
    env: env as NodeJS.ProcessEnv | undefined,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const relay = (data: Buffer) => {
    for (const line of data.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      options.logger.info(line);
      tail.push(line);
      if (tail.length > 5) tail.shift();
    }
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) {
      throw new TrivyRunError(
        `trivy exited with ${code === null ? 'a signal' : `code ${code}`}: ${tail.join(' | ')}`,
      );
    }
  } catch (error) {
    if (error instanceof TrivyRunError) throw error;
    const missing =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? ' (not found: put trivy on PATH or set trivy-url)'
        : '';
    throw new TrivyRunError(`cannot run ${options.trivyPath}: ${(error as Error).message}${missing}`);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
