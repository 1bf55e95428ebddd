import { field, type InvalidParams, isObject, refuseUnknownFields, requiredString } from '../../validation/src/index.ts';
import type { ClusterCredentials } from './cluster.ts';
import { checkClientCertificate } from './pem.ts';

const TOKEN = /^[\x21-\x7e]{1,8192}$/;

/** A bearer token: printable ASCII without spaces, as an HTTP Authorization header can carry it. */
export function checkToken(token: string, name: string, issues: InvalidParams): string | undefined {
  if (!TOKEN.test(token)) {
    issues.add(name, 'must be a bearer token of 1-8192 printable ASCII characters without whitespace');
    return undefined;
  }
  return token;
}

/**
 * `{type: 'token', token}` or `{type: 'clientCertificate', certificatePem, keyPem}`, checked
 * (PEM parses, key matches the certificate). Undefined after recording why not.
 */
export function readCredentials(value: unknown, path: string, issues: InvalidParams): ClusterCredentials | undefined {
  if (!isObject(value)) {
    issues.add(path, 'must be an object: {type: token, token} or {type: clientCertificate, certificatePem, keyPem}');
    return undefined;
  }
  switch (value.type) {
    case 'token': {
      refuseUnknownFields(value, ['type', 'token'], path, issues);
      const token = requiredString(value, 'token', path, issues);
      const checked = token === undefined ? undefined : checkToken(token, field(path, 'token'), issues);
      return checked === undefined ? undefined : { type: 'token', token: checked };
    }
    case 'clientCertificate': {
      refuseUnknownFields(value, ['type', 'certificatePem', 'keyPem'], path, issues);
      const certificatePem = requiredString(value, 'certificatePem', path, issues);
      const keyPem = requiredString(value, 'keyPem', path, issues);
      if (certificatePem === undefined || keyPem === undefined) return undefined;
      const pair = checkClientCertificate(certificatePem, keyPem, { certificate: field(path, 'certificatePem'), key: field(path, 'keyPem') }, issues);
      return pair && { type: 'clientCertificate', ...pair };
    }
    default:
      issues.add(field(path, 'type'), 'must be "token" or "clientCertificate"');
      return undefined;
  }
}
