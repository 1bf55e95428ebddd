import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { parseVersion } from '../../../../libs/clusters/src/index.ts';

/**
 * The version named by an `If-Match` header: `"7"` (the ETag the API sends) or a bare `7`.
 * `*` and an absent header name none. Weak tags are refused: a write needs the exact version.
 */
export function versionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '' || header === '*') return undefined;
  const raw = Array.isArray(header) ? header.join(',') : header;
  const version = parseVersion(raw.trim().replace(/^"(.*)"$/, '$1'));
  if (version === undefined) {
    throw new ValidationError([{ name: 'If-Match', reason: 'must be one version as sent in the ETag header, e.g. "7"' }]);
  }
  return version;
}

/** The ETag of a record version. */
export function etagOf(version: string): string {
  return `"${version}"`;
}
