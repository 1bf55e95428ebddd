/** What went wrong between the hub and a member while proxying, as a stable problem type. */
export type MemberProxyFailure = 'member-unreachable' | 'member-timeout' | 'member-redirect' | 'member-credentials-refused';

const TITLES: Readonly<Record<MemberProxyFailure, readonly [status: 502 | 504, title: string]>> = {
  'member-unreachable': [502, 'Member cluster unreachable'],
  'member-timeout': [504, 'Member cluster timed out'],
  'member-redirect': [502, 'Member answered a redirect'],
  'member-credentials-refused': [502, 'Member refused the hub\'s credentials'],
};

/**
 * A proxied request that the member did not answer in a way the hub passes on: unreachable,
 * no answer headers in time, a redirect (never followed), or 401 to the hub's own credentials
 * (not the caller's fault, so not passed on as a 401). Answered as 502 or 504 problem+json.
 * Messages say what happened without credentials or the member's address.
 */
export class MemberProxyError extends Error {
  override name = 'MemberProxyError';
  readonly status: 502 | 504;
  readonly title: string;

  constructor(
    readonly failure: MemberProxyFailure,
    readonly cluster: string,
    message: string,
  ) {
    super(message);
    [this.status, this.title] = TITLES[failure];
  }
}
