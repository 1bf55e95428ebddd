import {
  InvalidParams,
  isObject,
  type JsonObject,
  optionalBoolean,
  optionalString,
  propertyNames,
  refuseUnknownFields,
} from '../../validation/src/index.ts';
import { CLUSTER_REGISTRATION_SCHEMA, CREDENTIALS_ROTATION_SCHEMA } from './cluster-schemas.ts';
import type { ClusterCredentials, ClusterSpec } from './cluster.ts';
import { dns1123LabelProblem } from './names.ts';
import { checkCertificateBundle } from './pem.ts';
import { readCredentials } from './read-credentials.ts';
import { readKubeconfig } from './read-kubeconfig.ts';
import { readLabels, readPlacementFields, readTaints } from './read-spec-fields.ts';
import { checkServerUrl, type ConnectionPolicy } from './server-url.ts';

/** A registration request, checked: what to store in the spec and what to seal. */
export interface ClusterRegistration {
  readonly spec: ClusterSpec;
  readonly credentials: ClusterCredentials;
}

/** How to reach a member: the part of a registration that credential rotation replaces. */
export interface ClusterConnection {
  readonly server: string;
  readonly caBundle?: string;
  readonly credentials: ClusterCredentials;
}

const CONNECTION_FIELDS = ['server', 'caBundle', 'credentials'] as const;

/**
 * The connection given either as `server`, `caBundle` and `credentials`, or as `kubeconfig` (and
 * optionally `context`). Returns it with the context's name, or undefined after recording why not.
 */
function readConnection(body: JsonObject, issues: InvalidParams, policy: ConnectionPolicy): (ClusterConnection & { contextName?: string }) | undefined {
  const context = optionalString(body, 'context', '', issues);
  if (body.kubeconfig !== undefined && body.kubeconfig !== null) {
    for (const key of CONNECTION_FIELDS) {
      if (body[key] !== undefined) issues.add(key, 'comes from the kubeconfig: give either kubeconfig or server, caBundle and credentials');
    }
    return readKubeconfig(body.kubeconfig, context, { kubeconfig: 'kubeconfig', context: 'context' }, issues, policy);
  }
  if (context !== undefined) issues.add('context', 'applies only with kubeconfig');
  const server = optionalString(body, 'server', '', issues);
  if (server === undefined && body.server === undefined) issues.add('server', 'is required (or give a kubeconfig)');
  const checkedServer = server === undefined ? undefined : checkServerUrl(server, 'server', issues, policy);
  const caPem = optionalString(body, 'caBundle', '', issues);
  const caBundle = caPem === undefined || caPem === '' ? undefined : checkCertificateBundle(caPem, 'caBundle', issues);
  if (body.credentials === undefined || body.credentials === null) {
    issues.add('credentials', 'is required (or give a kubeconfig)');
    return undefined;
  }
  const credentials = readCredentials(body.credentials, 'credentials', issues);
  if (checkedServer === undefined || credentials === undefined) return undefined;
  return { server: checkedServer, ...(caBundle === undefined ? {} : { caBundle }), credentials };
}

/**
 * Checks a registration body (decoded JSON or YAML) and turns it into a spec and credentials.
 * Throws {@link ValidationError} naming every refused field; messages never quote values.
 */
export function parseRegistration(body: unknown, policy: ConnectionPolicy): ClusterRegistration {
  const issues = new InvalidParams();
  if (!isObject(body)) {
    issues.add('body', 'must be an object');
    issues.throwIfAny('cluster registration');
  }
  const object = body as JsonObject;
  refuseUnknownFields(object, propertyNames(CLUSTER_REGISTRATION_SCHEMA), '', issues);
  const connection = readConnection(object, issues, policy);

  let name = optionalString(object, 'name', '', issues);
  if (name === undefined && object.name === undefined && object.kubeconfig === undefined) issues.add('name', 'is required');
  if (name === undefined && connection?.contextName !== undefined) {
    if (dns1123LabelProblem(connection.contextName) === undefined) name = connection.contextName;
    else issues.add('name', 'is required: the name of the kubeconfig context is not a DNS-1123 label');
  }
  if (name !== undefined && object.name !== undefined) {
    const problem = dns1123LabelProblem(name);
    if (problem) issues.add('name', problem);
  }

  const labels = readLabels(object.labels, 'labels', issues);
  if (labels) readPlacementFields(object, labels, '', issues);
  const taints = readTaints(object.taints, 'taints', issues);
  const cordoned = optionalBoolean(object, 'cordoned', '', issues) ?? false;
  issues.throwIfAny('cluster registration');

  const { server, caBundle, credentials } = connection as ClusterConnection;
  return {
    spec: {
      name: name as string,
      server,
      ...(caBundle === undefined ? {} : { caBundle }),
      labels: labels as Record<string, string>,
      taints: taints as ClusterSpec['taints'],
      cordoned,
    },
    credentials,
  };
}

/** New credentials for a registered cluster, and whether they bring a new CA bundle with them. */
export interface CredentialsRotation {
  readonly credentials: ClusterCredentials;
  /** Replace the CA bundle by `caBundle` (absent: the system roots); false keeps the stored one. */
  readonly replacesCaBundle: boolean;
  readonly caBundle?: string;
}

/**
 * Checks a credential rotation body: `{credentials, caBundle?}` or `{kubeconfig, context?}`.
 * A kubeconfig must point at the registered server: moving a registration to another API server
 * is a new registration, not a rotation.
 */
export function parseCredentialsRotation(body: unknown, registeredServer: string, policy: ConnectionPolicy): CredentialsRotation {
  const issues = new InvalidParams();
  if (!isObject(body)) {
    issues.add('body', 'must be an object');
    issues.throwIfAny('credentials rotation');
  }
  const object = body as JsonObject;
  refuseUnknownFields(object, propertyNames(CREDENTIALS_ROTATION_SCHEMA), '', issues);
  if (object.kubeconfig !== undefined && object.kubeconfig !== null) {
    const connection = readConnection(object, issues, policy);
    if (connection && connection.server !== registeredServer) {
      issues.add('kubeconfig', 'points at another server than the registered one; register that server as a new cluster');
    }
    issues.throwIfAny('credentials rotation');
    const { credentials, caBundle } = connection as ClusterConnection;
    return { credentials, replacesCaBundle: true, ...(caBundle === undefined ? {} : { caBundle }) };
  }
  if (optionalString(object, 'context', '', issues) !== undefined) issues.add('context', 'applies only with kubeconfig');
  const credentials =
    object.credentials === undefined || object.credentials === null
      ? (issues.add('credentials', 'is required (or give a kubeconfig)'), undefined)
      : readCredentials(object.credentials, 'credentials', issues);
  const caPem = optionalString(object, 'caBundle', '', issues);
  const caBundle = caPem === undefined || caPem === '' ? undefined : checkCertificateBundle(caPem, 'caBundle', issues);
  issues.throwIfAny('credentials rotation');
  return {
    credentials: credentials as ClusterCredentials,
    replacesCaBundle: object.caBundle !== undefined,
    ...(caBundle === undefined ? {} : { caBundle }),
  };
}
