import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import { RekorError } from './errors';
import { hashedRekordEntry, leafHash, parseLogEntry, recordsProposal, type TlogEntry } from './rekor-entry';

export interface RekorClientOptions {
  /** Base URL of the Rekor instance (`https://rekor.internal`); `/api/v1/...` is appended. */
  url: string;
  /** A private CA (PEM file) to trust for the Rekor instance. */
  caFile?: string;
  timeoutMs?: number;
  userAgent?: string;
  dispatcher?: Dispatcher;
}

export interface HashedRekordUpload {
  /** The DER signature over `payload`. */
  signature: Buffer;
  /** The signer's `PUBLIC KEY` PEM. */
  publicKeyPem: string;
  /** The signed bytes (only their SHA-256 is sent). */
  payload: Buffer;
}

const entryIdPattern = /^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/;

/** Text of a Rekor error body (`{code, message}`), cut short; never the request. */
function describeBody(text: string): string {
  try {
    const data = JSON.parse(text) as { message?: unknown };
    if (typeof data.message === 'string') return data.message.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** A Rekor v1 client for the one thing signing needs: recording a hashedrekord entry. */
export class RekorClient {
  readonly url: string;
  private readonly dispatcher: Dispatcher;
  private readonly owned: boolean;

  constructor(private readonly options: RekorClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.owned = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent(options.caFile ? { connect: { ca: readFileSync(options.caFile, 'utf8') } } : {});
  }

  private async call(
    method: 'GET' | 'POST',
    url: string,
    body?: string,
  ): Promise<{ status: number; text: string; location?: string }> {
    try {
      const response = await request(url, {
        method,
        dispatcher: this.dispatcher,
        headers: {
          accept: 'application/json',
          'user-agent': this.options.userAgent ?? 'sovereign-ci',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        headersTimeout: this.options.timeoutMs ?? 30_000,
        bodyTimeout: this.options.timeoutMs ?? 30_000,
      });
      const text = await response.body.text();
      const location = response.headers.location;
      return {
        status: response.statusCode,
        text,
        ...(typeof location === 'string' ? { location } : {}),
      };
    } catch (error) {
      throw new RekorError(`${method} ${url} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Records a hashedrekord v0.0.1 entry (POST /api/v1/log/entries). When the log already holds it
   * (409 Conflict), the existing entry is fetched from the `Location` header, as cosign does.
   */
  async uploadHashedRekord(upload: HashedRekordUpload): Promise<TlogEntry> {
    const proposed = hashedRekordEntry({
      signature: upload.signature,
      publicKeyPem: upload.publicKeyPem,
      sha256: createHash('sha256').update(upload.payload).digest('hex'),
    });
    const endpoint = `${this.url}/api/v1/log/entries`;
    const response = await this.call('POST', endpoint, JSON.stringify(proposed));
    let entry: TlogEntry;
    if (response.status === 201) entry = this.entryFrom(response.text, `POST ${endpoint}`);
    else if (response.status === 409) {
      const location = response.location;
      if (!location) throw new RekorError(`POST ${endpoint}: 409 Conflict without a Location header`);
      const id = new URL(location, endpoint).pathname.split('/').pop() ?? '';
      if (!entryIdPattern.test(id))
        throw new RekorError(`POST ${endpoint}: 409 Conflict names no entry UUID (Location ${location})`);
      entry = await this.getEntry(id);
    } else throw new RekorError(`POST ${endpoint}: HTTP ${response.status}: ${describeBody(response.text)}`);
    if (!recordsProposal(entry, proposed))
      throw new RekorError(`${endpoint}: entry ${entry.uuid} does not record this signature`);
    return entry;
  }

  /** GET /api/v1/log/entries/{entryUUID}, checking the answer is that entry (UUID = leaf hash of its body). */
  async getEntry(id: string): Promise<TlogEntry> {
    const endpoint = `${this.url}/api/v1/log/entries/${id}`;
    const response = await this.call('GET', endpoint);
    if (response.status !== 200)
      throw new RekorError(`GET ${endpoint}: HTTP ${response.status}: ${describeBody(response.text)}`);
    const entry = this.entryFrom(response.text, `GET ${endpoint}`);
    if (entry.uuid.slice(-64).toLowerCase() !== id.slice(-64).toLowerCase())
      throw new RekorError(`GET ${endpoint}: the log answered with another entry (${entry.uuid})`);
    return entry;
  }

  private entryFrom(text: string, what: string): TlogEntry {
    let entry: TlogEntry;
    try {
      entry = parseLogEntry(JSON.parse(text) as unknown);
    } catch (error) {
      throw new RekorError(`${what}: not a Rekor LogEntry: ${(error as Error).message}`, { cause: error });
    }
    if (leafHash(entry.body) !== entry.uuid.slice(-64).toLowerCase())
      throw new RekorError(`${what}: entry ${entry.uuid} is not the leaf hash of its body`);
    return entry;
  }

  async close(): Promise<void> {
    if (this.owned) await this.dispatcher.close();
  }
}
