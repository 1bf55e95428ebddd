import { type JsonSchema, LABELS_SCHEMA } from '../../validation/src/index.ts';

// The request bodies of the cluster registry as JSON schemas: the OpenAPI document shows them,
// and the validators of this library take the fields they accept from them.

const TOKEN_CREDENTIALS: JsonSchema = {
  type: 'object',
  required: ['type', 'token'],
  properties: { type: { type: 'string', enum: ['token'] }, token: { type: 'string', pattern: '^[\\x21-\\x7e]{1,8192}$', description: 'A bearer token of the member (write-only: never returned).' } },
  additionalProperties: false,
};

const CERTIFICATE_CREDENTIALS: JsonSchema = {
  type: 'object',
  required: ['type', 'certificatePem', 'keyPem'],
  properties: {
    type: { type: 'string', enum: ['clientCertificate'] },
    certificatePem: { type: 'string', description: 'PEM client certificate.' },
    keyPem: { type: 'string', description: 'PEM private key matching the certificate (write-only: never returned).' },
  },
  additionalProperties: false,
};

/** `{type: token, token}` or `{type: clientCertificate, certificatePem, keyPem}`. */
export const CREDENTIALS_SCHEMA: JsonSchema = { oneOf: [TOKEN_CREDENTIALS, CERTIFICATE_CREDENTIALS], description: 'How the hub authenticates to the member; sealed at rest, never returned.' };

export const TAINT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['key', 'effect'],
  properties: { key: { type: 'string' }, value: { type: 'string' }, effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] } },
  additionalProperties: false,
};

const TAINTS: JsonSchema = { type: 'array', items: TAINT_SCHEMA, description: 'Replaces the taints as a whole; key and effect unique.' };
const KUBECONFIG: JsonSchema = { description: 'A self-contained kubeconfig (YAML text or the decoded object): server, CA and credentials of one context. No exec plugins, no file references.', oneOf: [{ type: 'string' }, { type: 'object' }] };
const CONTEXT: JsonSchema = { type: 'string', description: 'The kubeconfig context to use (default: its current context); only with kubeconfig.' };
const CA_BUNDLE: JsonSchema = { type: 'string', description: 'PEM bundle that verifies the API server; absent: the system roots.' };
const shorthand = (label: string): JsonSchema => ({ type: 'string', description: `Shorthand for the label ${label}.` });

export const CLUSTER_REGISTRATION_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'A member cluster to register: the connection as server, caBundle and credentials, or as a kubeconfig (then the name defaults to its context).',
  properties: {
    name: { type: 'string', description: 'DNS-1123 label, unique.' },
    server: { type: 'string', description: '`https://host:port` of the member API server.' },
    caBundle: CA_BUNDLE,
    credentials: CREDENTIALS_SCHEMA,
    kubeconfig: KUBECONFIG,
    context: CONTEXT,
    zone: shorthand('topology.kubernetes.io/zone'),
    region: shorthand('topology.kubernetes.io/region'),
    provider: shorthand('flotilla.dev/provider'),
    labels: LABELS_SCHEMA,
    taints: TAINTS,
    cordoned: { type: 'boolean', default: false },
  },
  additionalProperties: false,
};

export const CLUSTER_PATCH_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'A change of labels, taints or cordon. Labels merge as in a JSON merge patch (null deletes one); taints replace the list. name, server, caBundle, credentials and kubeconfig are refused with the way to change them.',
  properties: {
    labels: { type: 'object', additionalProperties: { type: 'string', nullable: true } },
    zone: { ...shorthand('topology.kubernetes.io/zone'), nullable: true },
    region: { ...shorthand('topology.kubernetes.io/region'), nullable: true },
    provider: { ...shorthand('flotilla.dev/provider'), nullable: true },
    taints: TAINTS,
    cordoned: { type: 'boolean' },
    metadata: { type: 'object', properties: { version: { type: 'string', description: 'The version the change is based on (as If-Match).' } }, additionalProperties: false },
  },
  additionalProperties: false,
};

export const CREDENTIALS_ROTATION_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'New credentials (and optionally a new CA bundle), or a kubeconfig pointing at the registered server.',
  properties: { credentials: CREDENTIALS_SCHEMA, caBundle: CA_BUNDLE, kubeconfig: KUBECONFIG, context: CONTEXT },
  additionalProperties: false,
};
