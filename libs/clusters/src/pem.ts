import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { InvalidParams } from '../../validation/src/index.ts';

// PEM checks for CA bundles, client certificates and keys. Reasons never quote the PEM: a key is a
// secret, and even a certificate pasted into the wrong field may be one.

interface PemBlock {
  readonly label: string;
  readonly text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

function pemBlocks(pem: string): PemBlock[] {
  return [...pem.matchAll(BLOCK)].map((match) => ({ label: match[1] as string, text: match[0] }));
}

function parseCertificate(text: string): X509Certificate | undefined {
  try {
    return new X509Certificate(text);
  } catch {
    return undefined;
  }
}

/**
 * A bundle of one or more PEM certificates (text between blocks is tolerated, as `openssl s_client
 * -showcerts` prints it). Returns the bundle with only its certificate blocks, or undefined after
 * recording why it was refused.
 */
export function checkCertificateBundle(pem: string, name: string, issues: InvalidParams): string | undefined {
  const blocks = pemBlocks(pem);
  if (blocks.length === 0) {
    issues.add(name, 'must contain at least one PEM certificate (-----BEGIN CERTIFICATE-----)');
    return undefined;
  }
  for (const [i, block] of blocks.entries()) {
    if (block.label !== 'CERTIFICATE') {
      // A private key pasted into a CA field must not end up in the public spec.
      issues.add(name, `must contain only certificates; PEM block ${i + 1} is a ${block.label}`);
      return undefined;
    }
    if (!parseCertificate(block.text)) {
      issues.add(name, `PEM block ${i + 1} is not a valid X.509 certificate`);
      return undefined;
    }
  }
  return `${blocks.map((block) => block.text.replace(/\r\n/g, '\n')).join('\n')}\n`;
}

const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

function parsePrivateKey(pem: string, name: string, issues: InvalidParams): KeyObject | undefined {
  const blocks = pemBlocks(pem);
  if (blocks.length !== 1) {
    issues.add(name, `must contain exactly one PEM private key (found ${blocks.length} PEM blocks)`);
    return undefined;
  }
  const label = (blocks[0] as PemBlock).label;
  if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    issues.add(name, 'is an encrypted private key; give it unencrypted (it is encrypted at rest by the hub)');
    return undefined;
  }
  if (!KEY_LABELS.has(label)) {
    issues.add(name, `must be a PEM private key; found a ${label}`);
    return undefined;
  }
  try {
    return createPrivateKey({ key: (blocks[0] as PemBlock).text, format: 'pem' });
  } catch {
    issues.add(name, 'is not a valid private key');
    return undefined;
  }
}

/**
 * A client certificate (leaf first, intermediates may follow) and its private key, which must
 * belong together. Returns the normalized pair, or undefined after recording why not.
 */
export function checkClientCertificate(
  certificatePem: string,
  keyPem: string,
  names: { readonly certificate: string; readonly key: string },
  issues: InvalidParams,
): { certificatePem: string; keyPem: string } | undefined {
  const bundle = checkCertificateBundle(certificatePem, names.certificate, issues);
  const key = parsePrivateKey(keyPem, names.key, issues);
  if (bundle === undefined || key === undefined) return undefined;
  const leaf = parseCertificate(pemBlocks(bundle)[0]?.text ?? '') as X509Certificate;
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(key);
  } catch {
    matches = false;
  }
  if (!matches) {
    issues.add(names.key, 'does not match the client certificate (the first certificate of the bundle)');
    return undefined;
  }
  return { certificatePem: bundle, keyPem: `${(pemBlocks(keyPem)[0] as PemBlock).text.replace(/\r\n/g, '\n')}\n` };
}
