import { inspect } from 'node:util';
import type { ClusterCredentials } from '../../../../libs/clusters/src/index.ts';

/**
 * Decrypted access to one member: where it is, how to verify it, how to authenticate. Held in
 * memory only for as long as a request or probe needs it. Logging it (pino, console, util.inspect)
 * shows the name, server and credential type, never the credentials.
 */
export class ClusterAccess {
  constructor(
    readonly name: string,
    /** `https://host:port[/path]` of the API server. */
    readonly server: string,
    /** PEM bundle that verifies the API server; undefined means the system roots. */
    readonly caPem: string | undefined,
    readonly credentials: ClusterCredentials,
  ) {}

  toJSON(): Record<string, string> {
    return { name: this.name, server: this.server, credentials: `[redacted ${this.credentials.type}]` };
  }

  [inspect.custom](): string {
    return `ClusterAccess { name: '${this.name}', server: '${this.server}', credentials: [redacted ${this.credentials.type}] }`;
  }
}
