import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pipeline, Transform } from 'node:stream';
import { type BeforeApplicationShutdown, ForbiddenException, Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Dispatcher, errors } from 'undici';
import type { Config } from '../../../../libs/config/src/index.ts';
import type { AuditNote } from '../audit/audit-hooks.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { describeTransportError } from '../health-probe/member-http.ts';
import { sendProblem } from '../problems/send-problem.ts';
import { MemberProxyError } from './member-proxy-error.ts';
import { type MemberEndpoint, MemberProxyPools } from './member-proxy-pools.ts';
import { forwardedRequestHeaders, forwardedResponseHeaders, headerLines, type ImpersonationPolicy, impersonationOf, memberTarget, type MemberTarget } from './proxy-request.ts';
import { ProxyMetrics } from './proxy-metrics.ts';

/** Longest member path and query written into an audit record's message. */
const AUDITED_PATH_CHARS = 512;

/** The member's answers that are not passed on: 401 (to the hub's credentials, not the caller's) and redirects (never followed). */
function refusedAnswer(cluster: string, status: number): MemberProxyError | undefined {
  if (status === 401) {
    return new MemberProxyError('member-credentials-refused', cluster, `cluster "${cluster}" refused the hub's own credentials (HTTP 401); an admin can replace them with PUT /api/v1/clusters/${cluster}/credentials`);
  }
  if (status >= 300 && status < 400 && status !== 304) {
    return new MemberProxyError('member-redirect', cluster, `cluster "${cluster}" answered HTTP ${status}, a redirect; the member proxy neither follows redirects nor passes them on`);
  }
  return undefined;
}

/** A watch: `?watch=true` (or 1), or the old `/watch/` paths. */
function isWatch(target: MemberTarget): boolean {
  const watch = new URLSearchParams(target.query).get('watch');
  return watch === 'true' || watch === '1' || /^\/apis?\/(?:[^/]+\/)*watch\//.test(target.path);
}

/** A failure of the connection to the member, in words without credentials. */
function transportFailure(cluster: string, error: unknown, timeoutMs: number): MemberProxyError {
  if (error instanceof errors.ConnectTimeoutError) return new MemberProxyError('member-timeout', cluster, `cluster "${cluster}" did not accept a connection within ${timeoutMs} ms`);
  if (error instanceof errors.HeadersTimeoutError) return new MemberProxyError('member-timeout', cluster, `cluster "${cluster}" did not answer within ${timeoutMs} ms`);
  return new MemberProxyError('member-unreachable', cluster, `cannot reach cluster "${cluster}": ${describeTransportError(error)}`);
}

/**
 * The member proxy: passes a request to a registered member's API server as the calling user,
 * through Kubernetes impersonation, and streams the answer back unchanged (status, headers but
 * hop-by-hop ones and cookies, body). See docs/proxy.md.
 *
 * - The hub authenticates with the cluster's stored credentials and adds `Impersonate-User` and
 *   one `Impersonate-Group` per group of the caller: the member's RBAC decides for that user.
 * - The caller's `Authorization`, cookies and any impersonation or front-proxy header are never
 *   forwarded.
 * - Bodies stream both ways (a watch lasts as long as the client keeps it); the request body is
 *   passed unparsed, its sha256 goes into the audit record.
 * - Redirects and a 401 to the hub's credentials become 502 problems; connection failures 502,
 *   no answer headers within FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS 504.
 */
@Injectable()
export class MemberProxy implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MemberProxy.name);
  private readonly policy: ImpersonationPolicy;
  private readonly timeoutMs: number;
  /** Watches in flight, ended when the hub stops. */
  private readonly watches = new Set<AbortController>();

  constructor(
    private readonly pools: MemberProxyPools,
    private readonly metrics: ProxyMetrics,
    @Inject(HUB_CONFIG) config: Config,
  ) {
    this.policy = { usernameClaim: config.proxyUsernameClaim, usernamePrefix: config.proxyUsernamePrefix, groupsPrefix: config.proxyGroupsPrefix };
    this.timeoutMs = config.memberRequestTimeoutMs;
  }

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    let cluster: string | undefined;
    try {
      const target = memberTarget(request.raw.url ?? request.url);
      const note: AuditNote = { message: `${request.method} ${(target.path + target.query).slice(0, AUDITED_PATH_CHARS)} on cluster ${target.cluster}` };
      request.auditNote = note;
      const user = request.identity === null ? undefined : impersonationOf(request.identity, this.policy);
      if (user === undefined) {
        throw new ForbiddenException('the member proxy names callers on members by their email (FLOTILLA_PROXY_USERNAME_CLAIM=email), and this caller\'s token carries none');
      }
      const endpoint = await this.pools.get(target.cluster);
      cluster = target.cluster;
      return await this.forward(request, reply, target, endpoint, user, note);
    } catch (error) {
      if (cluster !== undefined) this.metrics.observe(cluster, request.method, error instanceof MemberProxyError ? error.status : 500, undefined);
      return sendProblem(request, reply, error, {}, (fault, requestId) => this.logger.error({ err: fault, requestId }, 'member proxy request failed'));
    }
  }

  private async forward(request: FastifyRequest, reply: FastifyReply, target: MemberTarget, endpoint: MemberEndpoint, user: { user: string; groups: readonly string[] }, note: AuditNote): Promise<FastifyReply> {
    const headers = headerLines({
      ...forwardedRequestHeaders(request.headers),
      ...(endpoint.authorization === undefined ? {} : { authorization: endpoint.authorization }),
      'impersonate-user': user.user,
      // One header line per group: Kubernetes reads each line as one group, a comma is part of a name.
      'impersonate-group': [...user.groups],
      'x-forwarded-for': request.ip,
      // The member's audit log then carries the hub's request id.
      'audit-id': String(request.id),
    });
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
    let body: Transform | null = null;
    if (hasBody) {
      const hash = createHash('sha256');
      body = pipeline(
        request.raw,
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
          },
          flush(callback) {
            note.digest = hash.digest('hex');
            callback();
          },
        }),
        // A client that stops sending fails the member request, which answers for it.
        () => undefined,
      );
    }
    // A client that goes away ends the member request too (a watch would run on otherwise).
    const abort = new AbortController();
    const watch = isWatch(target);
    if (watch) this.watches.add(abort);
    reply.raw.once('close', () => {
      this.watches.delete(abort);
      if (!reply.raw.writableFinished) abort.abort();
    });

    const started = performance.now();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await endpoint.pool.request({
        path: `${endpoint.basePath}${target.path}${target.query}`,
        method: request.method,
        headers,
        body,
        signal: abort.signal,
      });
    } catch (error) {
      throw transportFailure(target.cluster, error, this.timeoutMs);
    }
    const seconds = (performance.now() - started) / 1000;
    const refused = refusedAnswer(target.cluster, answer.statusCode);
    if (refused) {
      await answer.body.dump();
      throw refused;
    }
    this.metrics.observe(target.cluster, request.method, answer.statusCode, seconds);
    void reply.code(answer.statusCode).headers(forwardedResponseHeaders(answer.headers));
    if (request.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304) {
      await answer.body.dump();
      return reply.send();
    }
    // Fastify sends a streamed answer's headers with its first chunk; a watch may have none for
    // minutes, and clients wait for the headers. Send them as soon as the stream is piped.
    reply.raw.once('pipe', () => {
      if (!reply.raw.headersSent) reply.raw.flushHeaders();
    });
    return reply.send(answer.body);
  }

  /**
   * Ends the watches going through this hub before Nest closes the HTTP server, which waits for
   * requests in flight and a watch never ends by itself. Their clients watch again, through
   * another replica. Other requests finish normally.
   */
  beforeApplicationShutdown(): void {
    for (const abort of this.watches) abort.abort();
    this.watches.clear();
  }
}
