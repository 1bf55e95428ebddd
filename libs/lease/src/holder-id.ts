import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A lease holder id for this process: host name, pid and a random suffix, so two processes never share one. */
export function newHolderId(): string {
  return `${hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 60)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
