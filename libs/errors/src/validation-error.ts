/** One field of a request that is wrong, and why; `name` is a path such as `labels.zone` or `query.limit`. */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/**
 * Input that cannot be accepted. Answered as 400 problem+json of type
 * https://flotilla.dev/problems/validation with `invalidParams` listing every bad field.
 * Reasons must never contain secret values (tokens, keys): describe, don't echo.
 */
export class ValidationError extends Error {
  readonly invalidParams: readonly InvalidParam[];

  constructor(invalidParams: readonly InvalidParam[], message?: string) {
    super(message ?? `invalid input: ${invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; ')}`);
    this.name = 'ValidationError';
    this.invalidParams = invalidParams;
  }
}
