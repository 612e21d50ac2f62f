import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from './tools';

const run = promisify(execFile);

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run(requireTool('openssl'), args, { cwd, timeout: 30_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

export interface CertFiles {
  certPath: string;
  keyPath: string;
  certPem: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA (EC P-256, valid two days) in `dir`/ca.crt and ca.key. */
export async function generateCa(dir: string, name = 'sovereign-ci test CA'): Promise<CertFiles> {
  const certPath = path.join(dir, 'ca.crt');
  const keyPath = path.join(dir, 'ca.key');
  await openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
}

/** A server certificate signed by `ca`, for IP 127.0.0.1 and DNS localhost. */
export async function generateServerCert(dir: string, ca: CertFiles): Promise<CertFiles> {
  const certPath = path.join(dir, 'server.crt');
  const keyPath = path.join(dir, 'server.key');
  const csrPath = path.join(dir, 'server.csr');
  const extPath = path.join(dir, 'server.ext');
  await writeFile(
    extPath,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  await openssl(['req', '-new', ...EC, '-keyout', keyPath, '-out', csrPath, '-subj', '/CN=127.0.0.1'], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      ca.certPath,
      '-CAkey',
      ca.keyPath,
      '-set_serial',
      `0x${randomBytes(12).toString('hex')}`,
      '-days',
      '2',
      '-sha256',
      '-extfile',
      extPath,
      '-out',
      certPath,
    ],
    dir,
  );
  return { certPath, keyPath, certPem: await readFile(certPath, 'utf8') };
}

export type SigningAlg = 'RS256' | 'ES256';

export interface SigningCert extends CertFiles {
  alg: SigningAlg;
  keyPem: string;
  /** The certificate's DER in standard base64, as a JWS `x5c` entry. */
  x5c: string;
}

/** A self-signed certificate whose key signs registry tokens (the registry's rootcertbundle). */
export async function generateSigningCert(dir: string, alg: SigningAlg = 'RS256'): Promise<SigningCert> {
  const certPath = path.join(dir, 'token-signer.crt');
  const keyPath = path.join(dir, 'token-signer.key');
  const keyArgs = alg === 'RS256' ? ['-newkey', 'rsa:2048', '-nodes'] : EC;
  await openssl(
    [
      'req',
      '-x509',
      ...keyArgs,
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=sovereign-ci token signer',
    ],
    dir,
  );
  const certPem = await readFile(certPath, 'utf8');
  return {
    alg,
    certPath,
    keyPath,
    certPem,
    keyPem: await readFile(keyPath, 'utf8'),
    x5c: new X509Certificate(certPem).raw.toString('base64'),
  };
}
