import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Rekor v1 log on 127.0.0.1 for createLogEntry (POST /api/v1/log/entries) and getLogEntryByUUID
 * (GET /api/v1/log/entries/{entryUUID}). It checks each request against Rekor's OpenAPI description
 * and the hashedrekord v0.0.1 schema, and answers with LogEntry maps whose signed entry timestamps
 * are signed by its own ECDSA P-256 key.
 */
export interface RekorFakeRequest {
  method: string;
  path: string;
  contentType?: string;
  status: number;
  /** Why a request was refused (400/404/405/415), for test failure messages. */
  problem?: string;
}

export interface RekorFakeEntry {
  uuid: string;
  entryId: string;
  body: string;
  integratedTime: number;
  logIndex: number;
  signedEntryTimestamp: string;
}

export interface RekorFake {
  url: string;
  /** The log's public key (PEM), to check signed entry timestamps. */
  publicKeyPem: string;
  /** Hex SHA-256 of the log key's DER: the entries' logID. */
  logID: string;
  requests: RekorFakeRequest[];
  entries: RekorFakeEntry[];
  /** Answer every createLogEntry with this status (e.g. 503); undefined: behave. */
  failWith?: number;
  stop(): Promise<void>;
}

/** RFC 8785 canonical JSON for the values Rekor signs (strings, safe integers, objects, arrays). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const semver =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const hashHexLength: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A strict standard-base64 string (OpenAPI `format: byte`), decoded; throws otherwise. */
function base64Field(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required (base64 string)`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0)
    throw new Error(`${name} is not standard base64`);
  return Buffer.from(value, 'base64');
}

/** The canonical body of a valid hashedrekord v0.0.1 proposal; throws saying what is invalid. */
function validateHashedRekord(data: unknown): Record<string, unknown> {
  if (!isObject(data)) throw new Error('the proposed entry is not a JSON object');
  if (typeof data.kind !== 'string') throw new Error('kind is required');
  if (data.kind !== 'hashedrekord') throw new Error(`kind '${data.kind}' is not served by this log`);
  const extra = Object.keys(data).filter((key) => !['kind', 'apiVersion', 'spec'].includes(key));
  if (extra.length > 0) throw new Error(`unexpected properties ${extra.join(', ')}`);
  if (typeof data.apiVersion !== 'string' || !semver.test(data.apiVersion))
    throw new Error('apiVersion is required (semantic version)');
  if (data.apiVersion !== '0.0.1') throw new Error(`hashedrekord apiVersion ${data.apiVersion} unknown`);
  const spec = data.spec;
  if (!isObject(spec)) throw new Error('spec is required (object)');
  const signature = spec.signature;
  const content = spec.data;
  if (!isObject(signature)) throw new Error('spec.signature is required (object)');
  if (!isObject(content)) throw new Error('spec.data is required (object)');
  base64Field(signature.content, 'spec.signature.content');
  if (!isObject(signature.publicKey)) throw new Error('spec.signature.publicKey is required (object)');
  const pem = base64Field(signature.publicKey.content, 'spec.signature.publicKey.content').toString('utf8');
  if (!pem.startsWith('-----BEGIN PUBLIC KEY-----'))
    throw new Error('the public key is not a PEM PUBLIC KEY');
  createPublicKey(pem);
  const hash = content.hash;
  if (!isObject(hash)) throw new Error('spec.data.hash is required (object)');
  const expected = typeof hash.algorithm === 'string' ? hashHexLength[hash.algorithm] : undefined;
  if (expected === undefined) throw new Error('spec.data.hash.algorithm must be sha256, sha384 or sha512');
  if (typeof hash.value !== 'string' || !new RegExp(`^[0-9a-f]{${expected}}$`).test(hash.value))
    throw new Error(`spec.data.hash.value must be ${expected} lower-case hex digits`);
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: hash.algorithm, value: hash.value } },
      signature: { content: signature.content, publicKey: { content: signature.publicKey.content } },
    },
  };
}

export async function startRekorFake(): Promise<RekorFake> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const logID = createHash('sha256').update(der).digest('hex');
  const treeId = '0b1c2d3e4f5a6b7c';
  const requests: RekorFakeRequest[] = [];
  const entries: RekorFakeEntry[] = [];

  const logEntry = (entry: RekorFakeEntry) => ({
    [entry.entryId]: {
      body: entry.body,
      integratedTime: entry.integratedTime,
      logID,
      logIndex: entry.logIndex,
      verification: { signedEntryTimestamp: entry.signedEntryTimestamp },
    },
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const record: RekorFakeRequest = { method: req.method ?? '', path, status: 0 };
      if (req.headers['content-type']) record.contentType = req.headers['content-type'];
      requests.push(record);
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        record.status = status;
        if (status >= 400 && isObject(body) && typeof body.message === 'string')
          record.problem = body.message;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(`${JSON.stringify(body)}\n`);
      };
      const byId = /^\/api\/v1\/log\/entries\/([^/]+)$/.exec(path);
      if (path === '/api/v1/log/entries') {
        if (req.method !== 'POST')
          return answer(405, { code: 405, message: `method ${req.method} not allowed` });
        const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (type !== 'application/json')
          return answer(415, { code: 415, message: `unsupported content type '${type}'` });
        if (fake.failWith !== undefined)
          return answer(fake.failWith, { code: fake.failWith, message: 'error communicating with backend' });
        let canonical: string;
        try {
          canonical = canonicalJson(validateHashedRekord(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (error) {
          return answer(400, { code: 400, message: (error as Error).message });
        }
        const body = Buffer.from(canonical, 'utf8').toString('base64');
        const uuid = createHash('sha256')
          .update(Buffer.from([0]))
          .update(canonical)
          .digest('hex');
        const location = `${fake.url}/api/v1/log/entries/${treeId}${uuid}`;
        const existing = entries.find((entry) => entry.uuid === uuid);
        if (existing) {
          const message = `an equivalent entry already exists in the transparency log with UUID ${uuid}`;
          return answer(409, { code: 409, message }, { location });
        }
        const integratedTime = Math.floor(Date.now() / 1000);
        const logIndex = entries.length;
        const signed = canonicalJson({ body, integratedTime, logID, logIndex });
        const signedEntryTimestamp = sign('sha256', Buffer.from(signed), privateKey).toString('base64');
        const entry = {
          uuid,
          entryId: `${treeId}${uuid}`,
          body,
          integratedTime,
          logIndex,
          signedEntryTimestamp,
        };
        entries.push(entry);
        return answer(201, logEntry(entry), { location, etag: entry.entryId });
      }
      if (byId) {
        if (req.method !== 'GET')
          return answer(405, { code: 405, message: `method ${req.method} not allowed` });
        const id = byId[1] ?? '';
        if (!/^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/.test(id))
          return answer(400, { code: 400, message: `entryUUID '${id}' does not match the pattern` });
        const entry = entries.find((e) => e.uuid === id.slice(-64).toLowerCase());
        if (!entry) return answer(404, { code: 404, message: 'entry not found' });
        return answer(200, logEntry(entry));
      }
      return answer(404, { code: 404, message: `path ${path} not found` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const port = (server.address() as AddressInfo).port;
  const fake: RekorFake = {
    url: `http://127.0.0.1:${port}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    logID,
    requests,
    entries,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
