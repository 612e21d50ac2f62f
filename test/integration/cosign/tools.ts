import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestRegistry } from '../../harness/registry';
import { requireTool } from '../../harness/tools';

const exec = promisify(execFile);

/** `openssl dgst -sha256 -verify pub -signature sig data`: true on "Verified OK", false on "Verification failure". */
export async function opensslVerify(
  publicKeyFile: string,
  signatureFile: string,
  dataFile: string,
): Promise<boolean> {
  const openssl = requireTool('openssl');
  try {
    const { stdout } = await exec(
      openssl,
      ['dgst', '-sha256', '-verify', publicKeyFile, '-signature', signatureFile, dataFile],
      {
        timeout: 30_000,
      },
    );
    return stdout.trim() === 'Verified OK';
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? '';
    if (stdout.includes('Verification failure')) return false;
    throw error;
  }
}

/** A blob straight from the registry with curl (an independent HTTP client). */
export async function curlBlob(reg: TestRegistry, repository: string, digest: string): Promise<Buffer> {
  const curl = requireTool('curl');
  const args = ['-sSf', '--max-time', '30', '-L'];
  if (reg.username !== undefined && reg.password !== undefined)
    args.push('-u', `${reg.username}:${reg.password}`);
  args.push(`${reg.url}/v2/${repository}/blobs/${digest}`);
  const { stdout } = await exec(curl, args, {
    encoding: 'buffer',
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}
