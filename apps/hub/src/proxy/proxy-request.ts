import type { IncomingHttpHeaders } from 'node:http';
import { dns1123LabelProblem } from '../../../../libs/clusters/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import type { Identity } from '../../../../libs/identity/src/index.ts';

/** The route pattern of the member proxy. */
export const PROXY_ROUTE = '/api/v1/clusters/:name/proxy/*';

/** Where a proxy request goes: the cluster, and the path and query on its API server (raw, as the client encoded them). */
export interface MemberTarget {
  readonly cluster: string;
  /** Starts with `/`; relative to the member's server URL. */
  readonly path: string;
  /** Empty, or `?` and the query as sent. */
  readonly query: string;
}

function refuse(reason: string): ValidationError {
  return new ValidationError([{ name: 'path', reason }], `invalid proxy path: ${reason}`);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw refuse('has a malformed percent-encoding');
  }
}

/**
 * The cluster and member path of a proxy request, from its raw URL (not Fastify's decoded
 * parameters: an encoded `?` or `/` must reach the member as the client sent it). A path that
 * could leave the member API it names is refused: `.` or `..` segments (also percent-encoded),
 * an encoded `/` or `\` in a segment, empty segments but a trailing slash. The member's host
 * never comes from the request, so an absolute URL in the path is only a (refused or harmless)
 * path on that member.
 */
export function memberTarget(rawUrl: string): MemberTarget {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt);
  const segments = rawPath.split('/');
  // ['', 'api', 'v1', 'clusters', <name>, 'proxy', ...member path]
  if (segments.length < 7 || segments.slice(0, 4).join('/') !== '/api/v1/clusters' || segments[5] !== 'proxy') {
    throw refuse('must be /api/v1/clusters/{name}/proxy/{path on the member}');
  }
  const cluster = decoded(segments[4] ?? '');
  const nameProblem = dns1123LabelProblem(cluster);
  if (nameProblem !== undefined) throw new ValidationError([{ name: 'name', reason: nameProblem }], `invalid cluster name: ${nameProblem}`);
  const rest = segments.slice(6);
  rest.forEach((segment, index) => {
    const plain = decoded(segment);
    if (plain === '.' || plain === '..') throw refuse('must not contain "." or ".." segments');
    if (plain.includes('/') || plain.includes('\\')) throw refuse('must not contain an encoded "/" or a "\\"');
    if (plain === '' && index !== rest.length - 1) throw refuse('must not contain empty segments ("//")');
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(plain)) throw refuse('must not contain control characters');
  });
  return { cluster, path: `/${rest.join('/')}`, query };
}

/** Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection, never the request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Request headers that never reach a member: the caller's credentials for the hub and its
 * session, anything that would choose an identity on the member (impersonation, and the
 * `X-Remote-*` headers of a front proxy, which the member honours from certain client
 * certificates), addresses the member would log (set by the hub instead), and `Expect`.
 */
function neverForwarded(name: string): boolean {
  return (
    name === 'host' ||
    name === 'authorization' ||
    name === 'cookie' ||
    name === 'x-csrf-token' ||
    name === 'expect' ||
    name === 'forwarded' ||
    name === 'x-real-ip' ||
    name === 'audit-id' ||
    name.startsWith('impersonate-') ||
    name.startsWith('x-remote-') ||
    name.startsWith('x-forwarded-')
  );
}

/** Names listed in a Connection header: hop-by-hop too. */
function connectionTokens(value: string | string[] | undefined): Set<string> {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(joined.split(',').map((token) => token.trim().toLowerCase()).filter((token) => token !== ''));
}

function filtered(headers: IncomingHttpHeaders, drop: (name: string) => boolean): Record<string, string | string[]> {
  const listed = connectionTokens(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || listed.has(lower) || drop(lower)) continue;
    out[lower] = value;
  }
  return out;
}

/** The caller's headers the member may see: end-to-end headers only, credentials and identity headers removed. */
export function forwardedRequestHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return filtered(headers, neverForwarded);
}

/** The member's headers the caller may see: end-to-end only, no cookies, no authentication challenge of the member. */
export function forwardedResponseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return filtered(headers, (name) => name === 'set-cookie' || name === 'set-cookie2' || name === 'www-authenticate' || name === 'proxy-authenticate');
}

/**
 * Headers as a flat list of name, value, name, value: a header with several values becomes that
 * many lines (undici joins the values of an array into one line, which Kubernetes would read as
 * one impersonated group with commas in its name; over HTTP/2 it joins them whatever the form,
 * hence HTTP/1.1 to members). An empty list sends no line.
 */
export function headerLines(headers: Readonly<Record<string, string | readonly string[]>>): string[] {
  return Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [value] : value).flatMap((one) => [name, one]));
}

/** How callers are named on members. */
export interface ImpersonationPolicy {
  /** `sub`: the OIDC subject; `email`: the email claim (callers without one are refused). */
  readonly usernameClaim: 'sub' | 'email';
  /** Before the user name; never `system:` (checked at boot). */
  readonly usernamePrefix: string;
  /** Before each group; never `system:` (checked at boot). */
  readonly groupsPrefix: string;
}

/** The user and groups a member sees for `identity`, or undefined when the policy finds no user name (no email). */
export function impersonationOf(identity: Identity, policy: ImpersonationPolicy): { readonly user: string; readonly groups: readonly string[] } | undefined {
  const name = policy.usernameClaim === 'email' ? identity.email : identity.subject;
  if (name === undefined || name === '') return undefined;
  return { user: `${policy.usernamePrefix}${name}`, groups: identity.groups.map((group) => `${policy.groupsPrefix}${group}`) };
}
