import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Pool } from 'undici';
import type { ClusterRecord } from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { NotFoundError, Store } from '../../../../libs/store/src/index.ts';
import { ClusterAccessReader } from '../clusters/cluster-access-reader.ts';
import { PerClusterCache } from '../clusters/per-cluster-cache.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';

/** How the proxy reaches one member: a connection pool to its server, the path the server URL has, and the hub's own credentials. */
export interface MemberEndpoint {
  readonly pool: Pool;
  /** The server URL's path without a trailing slash (empty for most servers). */
  readonly basePath: string;
  /** `Bearer <token>` for token credentials; undefined for a client certificate (in the pool's TLS). */
  readonly authorization: string | undefined;
}

/**
 * One undici {@link Pool} per registered cluster for the member proxy, with the member's CA and
 * (for certificate credentials) the client certificate; TLS is always verified. Rebuilt when the
 * registration changes ({@link PerClusterCache}). A connection per request in flight, kept alive
 * afterwards: watches hold theirs for as long as they last, so there is no fixed cap that one
 * client's watches could fill.
 *
 * Connecting and waiting for the answer headers are bounded by FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS;
 * the body is not (a watch streams for as long as the client wants).
 */
@Injectable()
export class MemberProxyPools {
  private readonly endpoints: PerClusterCache<MemberEndpoint>;

  constructor(
    store: Store,
    private readonly access: ClusterAccessReader,
    @Inject(HUB_CONFIG) private readonly config: Config,
    shutdown: ShutdownCoordinator,
  ) {
    // A replaced pool closes once its requests in flight (a watch) are done.
    this.endpoints = new PerClusterCache(store, (record) => this.endpoint(record), (endpoint) => endpoint.pool.close());
    // Watches never end by themselves: cut them when the hub stops.
    shutdown.registerRelease({ name: 'member proxy connection pools', release: () => this.endpoints.clear((endpoint) => endpoint.pool.destroy()) });
  }

  /**
   * The endpoint of a registered cluster. Throws 404 naming it when it is not registered, and
   * CredentialsUnavailableError when its credentials cannot be opened.
   */
  async get(cluster: string): Promise<MemberEndpoint> {
    try {
      return (await this.endpoints.get(cluster)).value;
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundException(`cluster "${cluster}" is not registered`);
      throw error;
    }
  }

  private endpoint(record: ClusterRecord): MemberEndpoint {
    const access = this.access.open(record);
    const { credentials } = access;
    const server = new URL(access.server);
    const timeout = this.config.memberRequestTimeoutMs;
    const pool = new Pool(server.origin, {
      connect: {
        ...(access.caPem ? { ca: access.caPem } : {}),
        ...(credentials.type === 'clientCertificate' ? { cert: credentials.certificatePem, key: credentials.keyPem } : {}),
        rejectUnauthorized: true,
        timeout,
      },
      // HTTP/1.1: undici's HTTP/2 (on by default since undici 7) joins repeated header lines into
      // one, and Kubernetes reads each Impersonate-Group line as one group.
      allowH2: false,
      headersTimeout: timeout,
      bodyTimeout: 0,
      keepAliveTimeout: 30_000,
    });
    return {
      pool,
      basePath: server.pathname.replace(/\/+$/, ''),
      authorization: credentials.type === 'token' ? `Bearer ${credentials.token}` : undefined,
    };
  }
}
