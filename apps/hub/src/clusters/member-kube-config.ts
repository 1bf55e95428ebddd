import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterAccess } from './cluster-access.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * A @kubernetes/client-node configuration for one member, built in memory from its access:
 * inline CA and credentials, no files, no exec plugin, TLS always verified.
 */
export function memberKubeConfig(access: ClusterAccess): KubeConfig {
  const { credentials } = access;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: access.name, server: access.server, skipTLSVerify: false, ...(access.caPem ? { caData: b64(access.caPem) } : {}) }],
    users: [
      credentials.type === 'token'
        ? { name: 'flotilla', token: credentials.token }
        : { name: 'flotilla', certData: b64(credentials.certificatePem), keyData: b64(credentials.keyPem) },
    ],
    contexts: [{ name: access.name, cluster: access.name, user: 'flotilla' }],
    currentContext: access.name,
  });
  return kc;
}
