/** Why a bearer token was refused; `detail` is safe to tell the caller (it never echoes the token). */
export class InvalidTokenError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'InvalidTokenError';
  }
}

/** The provider could not be reached to get its keys: the token may well be good, so not a 401. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}
