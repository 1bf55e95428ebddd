/**
 * The hub cannot open a cluster's sealed credentials: the key that sealed them is no longer in
 * FLOTILLA_ENCRYPTION_KEYS, or the stored data was changed. Says which key, never anything sealed.
 */
export class CredentialsUnavailableError extends Error {
  override name = 'CredentialsUnavailableError';

  constructor(
    readonly cluster: string,
    readonly keyId: string,
  ) {
    super(
      `cannot decrypt the credentials of cluster "${cluster}" (sealed with key "${keyId}"): is that key still in FLOTILLA_ENCRYPTION_KEYS? Rotating the cluster's credentials seals them again with the active key`,
    );
  }
}
