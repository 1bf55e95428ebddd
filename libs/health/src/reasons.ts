/**
 * Reasons of the Ready condition. Stable CamelCase strings: clients may switch on them.
 */
export const ReadyReason = {
  /** True: the API server answered /readyz (or /healthz) with 200. */
  ProbeSucceeded: 'ProbeSucceeded',
  /** False: no connection (refused, reset, DNS, TLS verification) to the API server. */
  Unreachable: 'Unreachable',
  /** False: the API server did not answer within the probe timeout. */
  Timeout: 'Timeout',
  /** False: the API server refused the hub's credentials (401 or 403). */
  Unauthorized: 'Unauthorized',
  /** False: the API server answered, but says it is not ready (readyz not 200), or answered with an error. */
  NotReady: 'NotReady',
  /** Unknown: the hub cannot read the cluster's credentials (e.g. its key left the key ring), so it cannot probe. */
  CredentialsUnavailable: 'CredentialsUnavailable',
  /** Unknown: registered, but no probe has finished yet. */
  NotProbed: 'NotProbed',
  /** Unknown: the last probe result is older than the staleness bound; the prober may be down. */
  StatusStale: 'StatusStale',
} as const;

export type ReadyReason = (typeof ReadyReason)[keyof typeof ReadyReason];

/** Why a probe failed; each is a reason of a False condition. */
export type ProbeFailureReason = typeof ReadyReason.Unreachable | typeof ReadyReason.Timeout | typeof ReadyReason.Unauthorized | typeof ReadyReason.NotReady;
