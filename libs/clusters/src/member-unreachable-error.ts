/** One request to a member that failed, described without anything secret. */
export interface MemberFailure {
  /** What was being done, e.g. `list ConfigMap` or `delete ConfigMap team-a/settings`. */
  readonly operation: string;
  /** e.g. `connection refused`, `timed out after 10000 ms`, `HTTP 403`. */
  readonly reason: string;
}

/**
 * A member cluster could not be read completely, so the hub does not act on what it saw: an
 * error, a timeout or a partial answer is never taken for "there is nothing there".
 */
export class MemberUnreachableError extends Error {
  override name = 'MemberUnreachableError';

  constructor(
    readonly cluster: string,
    readonly failures: readonly MemberFailure[],
  ) {
    const first = failures[0];
    super(
      `cannot read member cluster "${cluster}" completely (${failures.length} request(s) failed${first ? `, e.g. ${first.operation}: ${first.reason}` : ''}); nothing was deleted and the registration is kept`,
    );
  }
}
