import { randomUUID } from 'node:crypto';

// Enough for UUIDs, ULIDs, W3C trace ids and most gateways' ids; short and plain enough that a
// client cannot use it to inject log lines or bloat every log record.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is sane, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}
