import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Key material of one member cluster: its own CA, serving cert, admin credentials, SA keys. */
export interface ClusterPki {
  caCertPath: string;
  caKeyPath: string;
  servingCertPath: string;
  servingKeyPath: string;
  /** Client certificate for user `flotilla-fleet-admin` in group system:masters. */
  adminCertPath: string;
  adminKeyPath: string;
  serviceAccountKeyPath: string;
  serviceAccountPubPath: string;
  /** Static token file line for the bearer-token admin (also in system:masters). */
  tokenFilePath: string;
  caCertPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  adminToken: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ecKey(path: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

function signedCert(dir: string, name: string, subject: string, ext: string): void {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  ecKey(key);
  writeFileSync(extFile, ext);
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  openssl([
    'x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
    '-CAcreateserial', '-days', '3650', '-extfile', extFile, '-out', join(dir, `${name}.crt`),
  ]);
}

/**
 * Creates a fresh CA and the certificates one kube-apiserver and its clients need, with the
 * openssl CLI (Node can make keys but not X.509 certificates). Each cluster gets its own CA so
 * that a CA bundle from one cluster does not validate another.
 */
export function createClusterPki(dir: string, clusterName: string): ClusterPki {
  ecKey(join(dir, 'ca.key'));
  openssl([
    'req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-days', '3650',
    '-subj', `/CN=flotilla-fleet-ca-${clusterName}`, '-out', join(dir, 'ca.crt'),
  ]);
  signedCert(
    dir,
    'apiserver',
    `/CN=kube-apiserver-${clusterName}`,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  signedCert(
    dir,
    'admin',
    '/O=system:masters/CN=flotilla-fleet-admin',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  ecKey(join(dir, 'sa.key'));
  openssl(['pkey', '-in', join(dir, 'sa.key'), '-pubout', '-out', join(dir, 'sa.pub')]);

  const adminToken = randomBytes(24).toString('hex');
  const tokenFilePath = join(dir, 'tokens.csv');
  writeFileSync(tokenFilePath, `${adminToken},flotilla-token-admin,flotilla-token-admin,"system:masters"\n`, { mode: 0o600 });

  return {
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    servingCertPath: join(dir, 'apiserver.crt'),
    servingKeyPath: join(dir, 'apiserver.key'),
    adminCertPath: join(dir, 'admin.crt'),
    adminKeyPath: join(dir, 'admin.key'),
    serviceAccountKeyPath: join(dir, 'sa.key'),
    serviceAccountPubPath: join(dir, 'sa.pub'),
    tokenFilePath,
    caCertPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    adminCertPem: readFileSync(join(dir, 'admin.crt'), 'utf8'),
    adminKeyPem: readFileSync(join(dir, 'admin.key'), 'utf8'),
    adminToken,
  };
}
