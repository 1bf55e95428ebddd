import { Injectable } from '@nestjs/common';
import {
  CLUSTER_KIND,
  type ClusterCredentials,
  type ClusterRecord,
  credentialsContext,
  CredentialsUnavailableError,
} from '../../../../libs/clusters/src/index.ts';
import { SecretBox, SecretOpenError } from '../../../../libs/crypto/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { ClusterAccess } from './cluster-access.ts';

/**
 * The one place where a cluster's sealed credentials are opened. Used by whatever must talk to a
 * member (the prober, purge on deregistration, later apply): `access(name)` reads the registration
 * and decrypts it; `open(record)` does the same for a record already read (e.g. from a list).
 */
@Injectable()
export class ClusterAccessReader {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {}

  /**
   * Throws the store's NotFoundError for an unknown cluster and {@link CredentialsUnavailableError}
   * when the credentials cannot be opened (their key left the key ring, or the data was changed).
   */
  async access(name: string): Promise<ClusterAccess> {
    const record = await this.store.get<ClusterRecord>({ kind: CLUSTER_KIND, id: name });
    return this.open(record.data);
  }

  open(record: ClusterRecord): ClusterAccess {
    const name = record.spec.name;
    let plaintext: string;
    try {
      plaintext = this.box.open(record.credentials, credentialsContext(name));
    } catch (error) {
      if (error instanceof SecretOpenError) throw new CredentialsUnavailableError(name, record.credentials.keyId);
      throw error;
    }
    let credentials: ClusterCredentials;
    try {
      credentials = JSON.parse(plaintext) as ClusterCredentials;
    } catch {
      // JSON.parse quotes the text it fails on: never let that message out.
      throw new CredentialsUnavailableError(name, record.credentials.keyId);
    }
    return new ClusterAccess(name, record.spec.server, record.spec.caBundle, credentials);
  }

  /** Seals credentials for storing with the cluster `name`, with the active key. */
  seal(name: string, credentials: ClusterCredentials): ClusterRecord['credentials'] {
    return this.box.seal(JSON.stringify(credentials), credentialsContext(name));
  }

  /** True when the record's credentials were sealed with a key other than the active one. */
  needsReseal(record: ClusterRecord): boolean {
    return this.box.needsReseal(record.credentials);
  }

  /** Id of the key that seals new credentials. */
  get activeKeyId(): string {
    return this.box.activeKeyId;
  }
}
