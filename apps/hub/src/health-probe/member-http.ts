import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
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
 * A GET to a member's API server on a connection of its own (no pooling, `Connection: close`),
 * bounded by `signal`. Rejects on transport failures (refused, reset, TLS verification, abort)
 * and resolves with any HTTP answer, 4xx and 5xx included: the caller decides what they mean.
 *
 * Why node:https rather than @kubernetes/client-node 2.0.1: the client can be bounded (a
 * middleware can set an AbortSignal on its RequestContext), but it builds a new undici Agent for
 * every request (KubeConfig.applySecurityAuthentication → createDispatcher) and never closes it,
 * so each call opens a connection that then idles until undici's keep-alive timeout. For a probe
 * that runs every second per cluster, a connection per request that closes at once is both what
 * is wanted (see docs/health.md: a fresh TLS handshake catches what a pooled connection hides)
 * and cheaper than one left behind per request.
 */
export function memberGet(endpoint: MemberEndpoint, path: string, signal: AbortSignal): Promise<MemberResponse> {
  const url = new URL(endpoint.server);
  const base = url.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'flotilla-prober' };
  const options: RequestOptions = {
    method: 'GET',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (url.protocol === 'http:' ? 80 : 443) : Number(url.port),
    path: `${base}${path}`,
    headers,
    agent: false,
    signal,
    ...(endpoint.caPem === undefined ? {} : { ca: endpoint.caPem }),
  };
  if (endpoint.credentials.type === 'token') {
    headers.authorization = `Bearer ${endpoint.credentials.token}`;
  } else {
    options.cert = endpoint.credentials.certificatePem;
    options.key = endpoint.credentials.keyPem;
  }
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise<MemberResponse>((resolve, reject) => {
    const req = request(options, (res) => {
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

/**
 * What went wrong with a request, in words that are safe to store and show (no headers, no
 * credentials): "connection refused", "certificate verification failed (...)".
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
      return message === 'socket hang up' ? 'connection closed before an answer' : message;
  }
}
