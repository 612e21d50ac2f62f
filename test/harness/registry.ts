import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { generateCa, generateServerCert, generateSigningCert } from './certs';
import type { SigningAlg } from './certs';
import { spawnManaged } from './child-process';
import type { ManagedChild } from './child-process';
import { freePort } from './free-port';
import { tempDir } from './temp';
import { startTokenServer } from './token-server';
import type { TokenServer } from './token-server';
import { requireTool } from './tools';

const run = promisify(execFile);

export type RegistryVariant = 'plain' | 'basic' | 'token' | 'tls';

export interface TestRegistry {
  variant: RegistryVariant;
  /** '127.0.0.1:PORT' */
  host: string;
  /** http(s)://host */
  url: string;
  username?: string;
  password?: string;
  /** Path of the CA certificate (PEM) that signed the server certificate (tls variant or `tls` option). */
  caFile?: string;
  /** PEM text of that CA (tls variant). */
  caPem?: string;
  /** A directory holding only `ca.crt`, for `skopeo --cert-dir` / containers' certs.d (tls variant). */
  certDir?: string;
  /** Storage root directory (filesystem driver), so tests can look at or corrupt storage. */
  dataDir: string;
  /** The registry's config.yml. */
  configPath: string;
  /** The token server the registry trusts (token variant). */
  tokenServer?: TokenServer;
  /** Process id of the docker-registry child. */
  pid: number;
  /** Everything the registry wrote to stdout/stderr (its log, including the access log). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** storage.delete.enabled (default false, as in distribution). */
  deleteEnabled?: boolean;
  /** Signing algorithm of the token server (token variant; default RS256). */
  tokenAlg?: SigningAlg;
  /** Serve over HTTPS with a per-run CA (implied by the 'tls' variant; combine with 'basic'/'token'). */
  tls?: boolean;
  /** Token variant: anonymous token requests get `pull` (a public project); default: no access. */
  anonymousPull?: boolean;
  /** Override the generated credentials (basic and token variants). */
  username?: string;
  password?: string;
}

const READY_TIMEOUT_MS = 20_000;
const PORT_ATTEMPTS = 5;

class PortInUseError extends Error {}

function probe(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL('/v2/', url);
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method: 'GET', ca, timeout: 2000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function waitReady(child: ManagedChild, url: string, ca: string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!child.isRunning()) {
      const log = child.output();
      if (/address already in use/i.test(log)) throw new PortInUseError(log);
      throw new Error(`docker-registry exited before it was ready:\n${log}`);
    }
    try {
      const status = await probe(url, ca);
      if (status === 200 || status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(
        `docker-registry did not answer on ${url} within ${READY_TIMEOUT_MS} ms:\n${child.output()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function registryEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('REGISTRY_') && !key.startsWith('OTEL_')) env[key] = value;
  }
  return env;
}

async function htpasswdLine(username: string, password: string): Promise<string> {
  const { stdout } = await run(requireTool('htpasswd'), ['-Bbn', username, password], { timeout: 30_000 });
  return stdout.trim();
}

/** Start a real docker-registry (CNCF distribution) on a free loopback port in its own temp dir. */
export async function startRegistry(
  variant: RegistryVariant,
  options: StartRegistryOptions = {},
): Promise<TestRegistry> {
  const binary = requireTool('docker-registry');
  const tmp = await tempDir(`registry-${variant}`);
  const dataDir = path.join(tmp.path, 'data');
  await mkdir(dataDir, { recursive: true });
  const username = options.username ?? 'sovereign';
  const password = options.password ?? randomBytes(12).toString('hex');
  let tokenServer: TokenServer | undefined;
  const stopAll = async (): Promise<void> => {
    await tokenServer?.stop();
    await tmp.cleanup();
  };

  try {
    const httpConfig: Record<string, unknown> = {
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    };
    let auth: Record<string, unknown> | undefined;
    let caFile: string | undefined;
    let caPem: string | undefined;
    let certDir: string | undefined;
    if (variant === 'basic') {
      const file = path.join(tmp.path, 'htpasswd');
      await writeFile(file, `${await htpasswdLine(username, password)}\n`);
      auth = { htpasswd: { realm: 'sovereign-ci', path: file } };
    } else if (variant === 'token') {
      const signer = await generateSigningCert(tmp.path, options.tokenAlg ?? 'RS256');
      tokenServer = await startTokenServer({
        username,
        password,
        service: 'sovereign-ci-registry',
        issuer: 'sovereign-ci-token-issuer',
        signer,
        anonymousPull: options.anonymousPull ?? false,
      });
      auth = {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootcertbundle: signer.certPath,
        },
      };
    }
    const useTls = variant === 'tls' || options.tls === true;
    if (useTls) {
      const ca = await generateCa(tmp.path);
      const server = await generateServerCert(tmp.path, ca);
      httpConfig.tls = { certificate: server.certPath, key: server.keyPath };
      caFile = ca.certPath;
      caPem = ca.certPem;
      certDir = path.join(tmp.path, 'certs.d');
      await mkdir(certDir);
      await copyFile(ca.certPath, path.join(certDir, 'ca.crt'));
    }

    const configPath = path.join(tmp.path, 'config.yml');
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      const url = `${useTls ? 'https' : 'http'}://${host}`;
      const config: Record<string, unknown> = {
        version: 0.1,
        log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
        storage: {
          filesystem: { rootdirectory: dataDir },
          delete: { enabled: options.deleteEnabled ?? false },
          maintenance: { uploadpurging: { enabled: false } },
        },
        http: { ...httpConfig, addr: host },
        health: { storagedriver: { enabled: false } },
      };
      if (auth) config.auth = auth;
      await writeFile(configPath, stringify(config));
      const child = spawnManaged(binary, ['serve', configPath], {
        cwd: tmp.path,
        env: registryEnv(),
        cleanupDir: tmp.path,
      });
      try {
        await waitReady(child, url, caPem);
      } catch (err) {
        await child.stop();
        if (err instanceof PortInUseError && attempt < PORT_ATTEMPTS) continue;
        throw err;
      }
      const registry: TestRegistry = {
        variant,
        host,
        url,
        dataDir,
        configPath,
        pid: child.pid,
        log: () => child.output(),
        async stop() {
          await child.stop();
          await stopAll();
        },
      };
      if (variant === 'basic' || variant === 'token') {
        registry.username = username;
        registry.password = password;
      }
      if (tokenServer) registry.tokenServer = tokenServer;
      if (caFile) Object.assign(registry, { caFile, caPem, certDir });
      return registry;
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The registry's log once it has stopped growing for `quietMs`: distribution writes a request's access-log
 * line after the response has gone out, so a log read right after a request can lack it.
 */
export async function settledLog(registry: TestRegistry, quietMs = 250, maxMs = 5000): Promise<string> {
  const deadline = Date.now() + maxMs;
  let last = registry.log();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = registry.log();
    if (now.length === last.length || Date.now() > deadline) return now;
    last = now;
  }
}
