import { isIP } from 'node:net';
import type { InvalidParams } from '../../validation/src/index.ts';

/** What the hub accepts as a member's API server address. */
export interface ConnectionPolicy {
  /**
   * Accept `http://` servers on loopback addresses (development only).
   * @defaultValue false
   */
  readonly allowInsecureHttp: boolean;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./i.test(host);
  return false;
}

/**
 * The server URL: `https://host[:port][/path]`, or `http://` on loopback when the policy allows
 * it. No user info, query or fragment. Returns it without a trailing slash, or undefined after
 * recording why it was refused (the URL is never quoted: it might carry a password).
 */
export function checkServerUrl(raw: string, name: string, issues: InvalidParams, policy: ConnectionPolicy): string | undefined {
  if (!URL.canParse(raw)) {
    issues.add(name, 'must be an absolute URL such as https://api.example.com:6443');
    return undefined;
  }
  const url = new URL(raw);
  if (url.username !== '' || url.password !== '') {
    issues.add(name, 'must not contain a user name or password; give credentials in the credentials field');
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    issues.add(name, 'must not have a query or fragment');
    return undefined;
  }
  if (url.protocol === 'http:') {
    if (!policy.allowInsecureHttp) {
      issues.add(name, 'must use https (plain http is allowed only for loopback addresses when FLOTILLA_ALLOW_INSECURE_HTTP=true)');
      return undefined;
    }
    if (!isLoopback(url.hostname)) {
      issues.add(name, 'may use plain http only on a loopback address (127.0.0.0/8, ::1, localhost); use https');
      return undefined;
    }
  } else if (url.protocol !== 'https:') {
    issues.add(name, 'must be an https:// URL');
    return undefined;
  }
  return url.toString().replace(/\/+$/, '');
}
