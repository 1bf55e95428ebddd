import { parseAllDocuments } from 'yaml';
import { field, type InvalidParams, isObject, type JsonObject } from '../../validation/src/index.ts';
import type { ClusterCredentials } from './cluster.ts';
import { checkCertificateBundle, checkClientCertificate } from './pem.ts';
import { checkToken } from './read-credentials.ts';
import { checkServerUrl, type ConnectionPolicy } from './server-url.ts';

/** How to reach a member, as taken from the chosen context of a kubeconfig. */
export interface KubeconfigConnection {
  readonly contextName: string;
  readonly server: string;
  readonly caBundle?: string;
  readonly credentials: ClusterCredentials;
}

/** Cluster fields the hub refuses wherever they appear, with why. */
const REFUSED_CLUSTER_FIELDS: Readonly<Record<string, string>> = {
  'certificate-authority': 'is a file reference; inline the CA as certificate-authority-data (kubectl config view --minify --flatten)',
  'insecure-skip-tls-verify': 'is refused: the hub always verifies the server certificate; give certificate-authority-data',
  'proxy-url': 'is not supported: the hub connects to the server directly',
  'tls-server-name': 'is not supported: the server certificate must be valid for the server URL',
};

/** User fields the hub refuses wherever they appear, with why. */
const REFUSED_USER_FIELDS: Readonly<Record<string, string>> = {
  exec: 'exec credential plugins are refused: the hub never runs commands; use a token or client certificate',
  'auth-provider': 'auth-provider plugins are refused; use a token or client certificate',
  tokenFile: 'is a file reference; inline the token as token',
  'token-file': 'is a file reference; inline the token as token',
  'client-certificate': 'is a file reference; inline it as client-certificate-data (kubectl config view --minify --flatten)',
  'client-key': 'is a file reference; inline it as client-key-data (kubectl config view --minify --flatten)',
  username: 'basic authentication is not supported; use a token or client certificate',
  password: 'basic authentication is not supported; use a token or client certificate',
  as: 'impersonation is not supported',
  'as-uid': 'impersonation is not supported',
  'as-groups': 'impersonation is not supported',
  'as-user-extra': 'impersonation is not supported',
};

function linePosition(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Parses kubeconfig text without ever quoting it: YAML errors print the offending line, which may hold a token. */
function parseText(text: string, path: string, issues: InvalidParams): unknown {
  const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  if (documents.length === 0) {
    issues.add(path, 'is empty');
    return undefined;
  }
  if (documents.length !== 1) {
    issues.add(path, `must be one YAML document, found ${documents.length}`);
    return undefined;
  }
  const document = documents[0] as (typeof documents)[number];
  const error = document.errors[0];
  if (error) {
    issues.add(path, `is not valid YAML (${error.code} at ${linePosition(text, error.pos[0])})`);
    return undefined;
  }
  try {
    return document.toJS({ maxAliasCount: 50 }) as unknown;
  } catch {
    issues.add(path, 'is not valid YAML (too many aliases)');
    return undefined;
  }
}

function decodeBase64(value: unknown, name: string, issues: InvalidParams): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(value)) {
    issues.add(name, 'must be base64 data');
    return undefined;
  }
  return Buffer.from(value, 'base64').toString('utf8');
}

/** The named entries of a kubeconfig list (`clusters`, `users`, `contexts`), with their index. */
function entries(config: JsonObject, list: 'clusters' | 'users' | 'contexts', path: string, issues: InvalidParams): { name: unknown; body: unknown; index: number }[] {
  const value = config[list];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(field(path, list), 'must be a list');
    return [];
  }
  const inner = list.slice(0, -1);
  return value.map((entry: unknown, index) => (isObject(entry) ? { name: entry.name, body: entry[inner], index } : { name: undefined, body: undefined, index }));
}

/**
 * Reads a kubeconfig (YAML text, or an already decoded object when the request body itself was
 * YAML) and returns the connection of one context: `context`, or the current-context.
 *
 * Every cluster and user of the document is checked, not only the chosen one: a kubeconfig with
 * an exec plugin, an auth provider or a file reference anywhere is refused as a whole, so what the
 * hub accepts never depends on which context happens to be picked. Undefined after recording
 * every refusal under `path` (e.g. `kubeconfig.users[0].user.exec`).
 */
export function readKubeconfig(
  input: unknown,
  context: string | undefined,
  names: { readonly kubeconfig: string; readonly context: string },
  issues: InvalidParams,
  policy: ConnectionPolicy,
): KubeconfigConnection | undefined {
  const path = names.kubeconfig;
  const config = typeof input === 'string' ? parseText(input, path, issues) : input;
  if (config === undefined) return undefined;
  if (!isObject(config)) {
    issues.add(path, 'must be a kubeconfig document (kind: Config)');
    return undefined;
  }
  if (config.kind !== undefined && config.kind !== 'Config') issues.add(field(path, 'kind'), 'must be Config');

  const before = issues.count;
  const clusters = entries(config, 'clusters', path, issues);
  const users = entries(config, 'users', path, issues);
  const contexts = entries(config, 'contexts', path, issues);
  for (const cluster of clusters) {
    if (!isObject(cluster.body)) continue;
    for (const key of Object.keys(cluster.body)) {
      const reason = REFUSED_CLUSTER_FIELDS[key];
      if (reason === undefined) continue;
      if (key === 'insecure-skip-tls-verify' && cluster.body[key] !== true) continue;
      issues.add(field(field(field(field(path, 'clusters'), cluster.index), 'cluster'), key), reason);
    }
  }
  for (const user of users) {
    if (!isObject(user.body)) continue;
    for (const key of Object.keys(user.body)) {
      const reason = REFUSED_USER_FIELDS[key];
      if (reason !== undefined) issues.add(field(field(field(field(path, 'users'), user.index), 'user'), key), reason);
    }
  }
  if (issues.count > before) return undefined;

  const wanted = context ?? (typeof config['current-context'] === 'string' && config['current-context'] !== '' ? config['current-context'] : undefined);
  const available = contexts.map((entry) => entry.name).filter((name): name is string => typeof name === 'string');
  if (wanted === undefined) {
    issues.add(names.context, `is required: the kubeconfig has no current-context (its contexts: ${available.join(', ') || 'none'})`);
    return undefined;
  }
  const chosen = contexts.find((entry) => entry.name === wanted);
  if (!chosen) {
    issues.add(
      context === undefined ? field(path, 'current-context') : names.context,
      `names no context of the kubeconfig (its contexts: ${available.join(', ') || 'none'})`,
    );
    return undefined;
  }
  const contextPath = field(field(field(path, 'contexts'), chosen.index), 'context');
  if (!isObject(chosen.body)) {
    issues.add(contextPath, 'must be an object with cluster and user');
    return undefined;
  }
  const cluster = clusters.find((entry) => entry.name === (chosen.body as JsonObject).cluster);
  const user = users.find((entry) => entry.name === (chosen.body as JsonObject).user);
  if (!cluster || !isObject(cluster.body)) issues.add(field(contextPath, 'cluster'), 'names no cluster of the kubeconfig');
  if (!user || !isObject(user.body)) issues.add(field(contextPath, 'user'), 'names no user of the kubeconfig');
  if (!cluster || !user || !isObject(cluster.body) || !isObject(user.body)) return undefined;

  const clusterPath = field(field(field(path, 'clusters'), cluster.index), 'cluster');
  const server =
    typeof cluster.body.server === 'string'
      ? checkServerUrl(cluster.body.server, field(clusterPath, 'server'), issues, policy)
      : (issues.add(field(clusterPath, 'server'), 'is required'), undefined);
  let caBundle: string | undefined;
  if (cluster.body['certificate-authority-data'] !== undefined) {
    const caPath = field(clusterPath, 'certificate-authority-data');
    const pem = decodeBase64(cluster.body['certificate-authority-data'], caPath, issues);
    caBundle = pem === undefined ? undefined : checkCertificateBundle(pem, caPath, issues);
  }
  const credentials = userCredentials(user.body, field(field(field(path, 'users'), user.index), 'user'), issues);
  if (server === undefined || credentials === undefined || issues.count > before) return undefined;
  return { contextName: wanted, server, ...(caBundle === undefined ? {} : { caBundle }), credentials };
}

function userCredentials(user: JsonObject, path: string, issues: InvalidParams): ClusterCredentials | undefined {
  const hasToken = user.token !== undefined;
  const hasCertificate = user['client-certificate-data'] !== undefined || user['client-key-data'] !== undefined;
  if (hasToken && hasCertificate) {
    issues.add(path, 'has both a token and a client certificate; keep one');
    return undefined;
  }
  if (hasToken) {
    if (typeof user.token !== 'string') {
      issues.add(field(path, 'token'), 'must be a string');
      return undefined;
    }
    const token = checkToken(user.token, field(path, 'token'), issues);
    return token === undefined ? undefined : { type: 'token', token };
  }
  if (hasCertificate) {
    const certificateName = field(path, 'client-certificate-data');
    const keyName = field(path, 'client-key-data');
    if (user['client-certificate-data'] === undefined) issues.add(certificateName, 'is required with client-key-data');
    if (user['client-key-data'] === undefined) issues.add(keyName, 'is required with client-certificate-data');
    const certificatePem = user['client-certificate-data'] === undefined ? undefined : decodeBase64(user['client-certificate-data'], certificateName, issues);
    const keyPem = user['client-key-data'] === undefined ? undefined : decodeBase64(user['client-key-data'], keyName, issues);
    if (certificatePem === undefined || keyPem === undefined) return undefined;
    const pair = checkClientCertificate(certificatePem, keyPem, { certificate: certificateName, key: keyName }, issues);
    return pair && { type: 'clientCertificate', ...pair };
  }
  issues.add(path, 'has no credentials: give token, or client-certificate-data and client-key-data');
  return undefined;
}
