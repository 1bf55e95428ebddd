/** One readiness check that failed, by name. */
export interface FailedCheck {
  readonly name: string;
  readonly reason: string;
}

/** The hub cannot serve: shutting down, or a dependency such as Redis is unreachable. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';

  constructor(
    readonly failed: readonly FailedCheck[],
    /** The full health check result, for the response body. */
    readonly checks: Readonly<Record<string, unknown>>,
  ) {
    super(`not ready: ${failed.map((check) => `${check.name}: ${check.reason}`).join('; ')}`);
  }
}
