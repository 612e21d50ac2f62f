import type { Logger } from '@sovereign-ci/action-kit';
import type { CredentialProvider } from './credentials';
import { DEFAULT_CHUNK_SIZE } from './blob-upload';
import { normalizeRegistry, type ImageReference } from './reference';
import { RegistryAuth } from './registry-auth';
import { isLoopback, RegistrySession } from './registry-session';
import { collectPages, RemoteRepository } from './repository';
import { Transport } from './transport';

export interface RegistryClientOptions {
  credentials?: CredentialProvider;
  /** PEM file of a CA trusted in addition to the system ones. */
  caFile?: string;
  /** Registries (host[:port]) allowed over plain HTTP. Loopback registries always are. */
  insecureRegistries?: string[];
  logger?: Logger;
  userAgent?: string;
  timeoutMs?: number;
  retries?: number;
  /** Bytes per PATCH of a chunked upload (default DEFAULT_CHUNK_SIZE, 128 MiB). */
  chunkSize?: number;
  /** Blobs up to this size go in one streamed PUT, larger ones in resumable chunks (default 256 MiB). */
  monolithicThreshold?: number;
}

/** Entry point to registries: one transport, one auth state per registry. */
export class RegistryClient {
  private readonly transport: Transport;
  private readonly sessions = new Map<string, RegistrySession>();
  private readonly insecure: Set<string>;

  constructor(private readonly options: RegistryClientOptions = {}) {
    this.transport = new Transport({
      ...(options.caFile ? { caFile: options.caFile } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    this.insecure = new Set((options.insecureRegistries ?? []).map(normalizeRegistry));
  }

  session(registry: string): RegistrySession {
    const key = normalizeRegistry(registry);
    let session = this.sessions.get(key);
    if (!session) {
      const auth = new RegistryAuth(key, this.transport, this.options.credentials);
      session = new RegistrySession(
        key,
        this.transport,
        auth,
        this.insecure.has(key) || isLoopback(key),
        this.options.logger,
      );
      this.sessions.set(key, session);
    }
    return session;
  }

  repository(registry: string, name: string): RemoteRepository {
    return new RemoteRepository(
      {
        session: this.session(registry),
        name,
        chunkSize: this.options.chunkSize ?? DEFAULT_CHUNK_SIZE,
        ...(this.options.monolithicThreshold !== undefined
          ? { monolithicThreshold: this.options.monolithicThreshold }
          : {}),
        ...(this.options.logger ? { logger: this.options.logger } : {}),
      },
      name,
    );
  }

  repositoryFor(ref: ImageReference): RemoteRepository {
    return this.repository(ref.registry, ref.repository);
  }

  /**
   * The registry's auth handshake: `GET /v2/`, and on a challenge the credentials (or a token for
   * `scope`, or for no scope at all). Throws a RegistryError when the registry refuses them.
   */
  async ping(registry: string, scope?: string): Promise<void> {
    await this.handshake(registry, scope);
  }

  /** Like `ping`; `authenticated` tells whether the registry asked for credentials at all. */
  async handshake(registry: string, scope?: string): Promise<{ authenticated: boolean }> {
    const session = this.session(registry);
    const res = await session.request({
      method: 'GET',
      path: '/v2/',
      scopes: scope ? [scope] : [],
      what: 'the registry API (/v2/)',
    });
    await res.body.dump();
    return { authenticated: session.auth.scheme !== undefined };
  }

  /** Every repository name in the registry's catalog, following pagination. */
  async catalog(registry: string, options: { pageSize?: number } = {}): Promise<string[]> {
    const ctx = { session: this.session(registry), name: '', chunkSize: 0 };
    const first = `/v2/_catalog${options.pageSize ? `?n=${options.pageSize}` : ''}`;
    const pages = await collectPages<{ repositories?: string[] | null }>(
      ctx,
      first,
      ['registry:catalog:*'],
      'the catalog',
    );
    return pages.flatMap((p) => p.repositories ?? []);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
