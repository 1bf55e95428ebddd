/** Where the stable problem type URIs live; each is documented at its URL. */
export const PROBLEM_TYPE_BASE = 'https://flotilla.dev/problems/';

/**
 * An RFC 9457 problem details object, sent as application/problem+json for every error the hub
 * answers with. `type` is stable: clients branch on it, never on `title` or `detail`.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request path, identifying this occurrence together with `requestId`. */
  readonly instance: string;
  /** The request id, as in the `x-request-id` header and the logs. */
  readonly requestId: string;
  /** Extension members of specific problem types. */
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
