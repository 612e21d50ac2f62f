import { spawn } from 'node:child_process';
import type { Credential } from './credentials';

/** Runs `docker-credential-<helper> get` with the server URL on stdin. Undefined when it knows none. */
export function runCredentialHelper(
  helper: string,
  serverUrl: string,
  env?: Record<string, string | undefined>,
): Promise<Credential | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (error) =>
      reject(new Error(`credential helper ${program} could not be run: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => {
      const said = `${stdout} ${stderr}`;
      if (code !== 0) {
        if (/credentials not found|not found in native keychain/i.test(said)) return resolve(undefined);
        // The helper's output may hold secrets; report only the exit status.
        return reject(new Error(`credential helper ${program} failed (exit ${code}) for ${serverUrl}`));
      }
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!out.Secret) return resolve(undefined);
        resolve(
          out.Username === '<token>'
            ? { identityToken: out.Secret }
            : { username: out.Username ?? '', password: out.Secret },
        );
      } catch {
        reject(new Error(`credential helper ${program} printed something that is not JSON for ${serverUrl}`));
      }
    });
    // A helper that exits without reading its stdin must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(serverUrl);
  });
}
