import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { ClusterCredentials } from '../../../../libs/clusters/src/index.ts';

/** How to reach and authenticate to one member's API server. */
export interface MemberEndpoint {
  /** `https://host:port[/path]` (`http://` only on loopback, when the hub allows it). */
  readonly server: string;
  /** PEM bundle that verifies the server; undefined means the system roots. */
  readonly caPem: string | undefined;
  readonly credentials: ClusterCredentials;
}

/** An HTTP answer, whatever its status. */
export interface MemberResponse {
  readonly status: number;
  readonly body: string;
}

/** Larger answers are cut off: a probe never holds more than this per request. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Default of FLOTILLA_PROBE_CONNECTION_REUSE: pooled connections are replaced after this many
 * probes, so that what only a new connection meets (a changed or expired server certificate, a
 * firewall that drops new flows, connection loss) shows within that many probes, while most
 * probes reuse a connection.
 */
export const CONNECTION_MAX_PROBES = 10;

/**
 * GETs to one member's API server, each bounded by its AbortSignal. Requests go over a small
 * keep-alive pool that is replaced every `reuse` probes, or, with
 * `fresh`, over a connection of their own that closes after the answer. The TLS context (CA,
 * client certificate) is built once per client.
 *
 * Why node:https rather than @kubernetes/client-node 2.0.1: the client can be bounded (a
 * middleware can set an AbortSignal on its RequestContext), but it builds a new undici Agent for
 * every request (KubeConfig.applySecurityAuthentication → createDispatcher) and never closes it:
 * each call pays a full TLS handshake and leaves its connection idling until undici's keep-alive
 * timeout. On this project's machines a fresh TLS connection costs the hub about 3.3 ms of CPU
 * and a reused one 0.6 ms (docs/health.md); at one probe per second per cluster that difference
 * is the prober's cost.
 */
export class MemberClient {
  readonly endpoint: MemberEndpoint;
  private readonly url: URL;
  private readonly secureContext: SecureContext | undefined;
  private readonly headers: Record<string, string>;
  private readonly reuse: number;
  private pool: HttpAgent | HttpsAgent;
  private probes = 0;

  constructor(endpoint: MemberEndpoint, options: { readonly reuse?: number } = {}) {
    this.endpoint = endpoint;
    this.reuse = Math.max(1, options.reuse ?? CONNECTION_MAX_PROBES);
    this.url = new URL(endpoint.server);
    this.headers = { accept: 'application/json', 'user-agent': 'flotilla-prober' };
    if (endpoint.credentials.type === 'token') this.headers.authorization = `Bearer ${endpoint.credentials.token}`;
    this.secureContext =
      this.url.protocol === 'https:'
        ? createSecureContext({
            ...(endpoint.caPem === undefined ? {} : { ca: endpoint.caPem }),
            ...(endpoint.credentials.type === 'clientCertificate' ? { cert: endpoint.credentials.certificatePem, key: endpoint.credentials.keyPem } : {}),
          })
        : undefined;
    this.pool = this.newPool();
  }

  /** Call once per probe: every `reuse` probes the pooled connections are replaced. */
  startProbe(): void {
    this.probes += 1;
    if (this.probes % this.reuse === 0) {
      // Requests in flight keep their sockets; idle ones close now.
      this.pool.destroy();
      this.pool = this.newPool();
    }
  }

  /**
   * Rejects on transport failures (refused, reset, TLS verification, abort) and resolves with
   * any HTTP answer, 4xx and 5xx included: the caller decides what they mean.
   */
  get(path: string, signal: AbortSignal, options: { readonly fresh?: boolean } = {}): Promise<MemberResponse> {
    const base = this.url.pathname.replace(/\/+$/, '');
    const https = this.url.protocol === 'https:';
    const request: RequestOptions = {
      method: 'GET',
      host: this.url.hostname.replace(/^\[|\]$/g, ''),
      port: this.url.port === '' ? (https ? 443 : 80) : Number(this.url.port),
      path: `${base}${path}`,
      headers: this.headers,
      agent: options.fresh === true ? false : this.pool,
      signal,
      ...(this.secureContext === undefined ? {} : { secureContext: this.secureContext }),
    };
    const send = https ? httpsRequest : httpRequest;
    return new Promise<MemberResponse>((resolve, reject) => {
      const req = send(request, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.pool.destroy();
  }

  private newPool(): HttpAgent | HttpsAgent {
    return this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  }
}

/**
 * What went wrong with a request, in words that are safe to store and show (no headers, no
 * credentials): "connection refused", "TLS: unable to verify the first certificate".
 */
export function describeTransportError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not resolved';
    case 'ABORT_ERR':
      return 'aborted';
    default:
      if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(code)) return `TLS: ${message}`;
      return message;
  }
}
