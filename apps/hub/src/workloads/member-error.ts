import { ApiException } from '@kubernetes/client-node';
import { describeFailure } from '../clusters/kubernetes-member-purger.ts';

/** How a failed request to a member is handled. */
export interface MemberErrorClass {
  /** Permanent: trying again cannot help (the member refuses the object); recorded and not retried. */
  readonly permanent: boolean;
  /** For people; never carries the request, the token or the object's content. */
  readonly reason: string;
}

function messageOf(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return body.message.slice(0, 500);
  if (typeof body === 'string') {
    try {
      return messageOf(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Sorts a member failure into permanent or transient. Permanent: the member says the object is
 * invalid (400, 422), forbidden (401, 403), or the kind does not exist there (404 on discovery, or
 * the client's "Unrecognized API version and kind"). Everything else (timeouts, refused or reset
 * connections, 409, 429, 5xx) is transient and retried with backoff.
 */
export function classifyMemberError(error: unknown, timeoutMs: number): MemberErrorClass {
  if (error instanceof ApiException) {
    const status = error.code;
    const detail = messageOf(error.body);
    const reason = `HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 400 || status === 401 || status === 403 || status === 404 || status === 422) return { permanent: true, reason };
    return { permanent: false, reason };
  }
  if (error instanceof Error && error.message.startsWith('Unrecognized API version and kind')) return { permanent: true, reason: error.message.slice(0, 200) };
  // Timeouts, refused and reset connections: worded as the purge words them.
  return { permanent: false, reason: describeFailure(error, timeoutMs) };
}
