import { createHash } from 'node:crypto';
import { type InvalidParam, ValidationError } from '../../errors/src/index.ts';

/** What a list request asks for: at most `limit` items, after the position a `continue` token names. */
export interface PageRequest {
  readonly limit: number;
  /** The position after which this page starts; absent for the first page. */
  readonly after?: string;
}

/** One page of a list, and the token for the next when there is more. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly metadata: {
    /** Opaque: send it back as `?continue=` (with the same filters) for the next page. */
    readonly continue?: string;
    /** Items after this page, as of this read. */
    readonly remainingItemCount?: number;
  };
}

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 1000;

interface Token {
  readonly v: 1;
  /** The position: the sort key of the last item of the previous page. */
  readonly a: string;
  /** Digest of the filters the token was made for. */
  readonly q: string;
}

/** A short digest of a list's filters (not the page): a token only continues the query it came from. */
export function queryDigest(filters: Readonly<Record<string, string | undefined>>): string {
  const canonical = Object.keys(filters)
    .sort()
    .filter((k) => filters[k] !== undefined)
    .map((k) => `${k}=${filters[k]}`)
    .join('&');
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeContinue(after: string, digest: string): string {
  return Buffer.from(JSON.stringify({ v: 1, a: after, q: digest } satisfies Token)).toString('base64url');
}

/**
 * Reads `?limit=` and `?continue=` of a list request. Errors name `query.limit` or
 * `query.continue`; a token made for other filters is refused rather than giving a page of
 * another list.
 */
export function pageRequest(limit: unknown, token: unknown, digest: string, defaultLimit = DEFAULT_LIMIT): PageRequest {
  const invalid: InvalidParam[] = [];
  const request = collectPageRequest(invalid, limit, token, digest, defaultLimit);
  if (invalid.length > 0) throw new ValidationError(invalid);
  return request;
}

/** {@link pageRequest}, its problems added to `invalid` (so one answer names every bad parameter) instead of thrown. */
export function collectPageRequest(invalid: InvalidParam[], limit: unknown, token: unknown, digest: string, defaultLimit = DEFAULT_LIMIT): PageRequest {
  let count = defaultLimit;
  if (limit !== undefined) {
    count = typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(count >= 1 && count <= MAX_LIMIT)) {
      invalid.push({ name: 'query.limit', reason: `must be an integer between 1 and ${MAX_LIMIT}` });
      count = defaultLimit;
    }
  }
  let after: string | undefined;
  if (token !== undefined) {
    const decoded = typeof token === 'string' && token.length <= 2048 ? decodeToken(token) : undefined;
    if (decoded === undefined) invalid.push({ name: 'query.continue', reason: 'is not a continue token this hub gave' });
    else if (decoded.q !== digest) invalid.push({ name: 'query.continue', reason: 'was given for a list with other filters: repeat the filters of the first page' });
    else after = decoded.a;
  }
  return { limit: count, ...(after === undefined ? {} : { after }) };
}

function decodeToken(token: string): Token | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Token>;
    return parsed.v === 1 && typeof parsed.a === 'string' && typeof parsed.q === 'string' ? (parsed as Token) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A page read from a source that is itself read in order from a position (a stream, a log):
 * `read` gets up to `limit + 1` items after `request.after`, so one more than the page tells
 * whether there is a next one. The remaining count is not known there.
 */
export function pageFromRead<T>(read: readonly T[], keyOf: (item: T) => string, request: PageRequest, digest: string): Page<T> {
  const items = read.slice(0, request.limit);
  const last = items[items.length - 1];
  return { items, metadata: read.length > request.limit && last !== undefined ? { continue: encodeContinue(keyOf(last), digest) } : {} };
}

/**
 * The page of `items` (already filtered, in the list's order, each with a unique `keyOf`) that
 * `request` asks for. Positions are keys, not offsets, so items added or removed before the
 * position do not shift the next page; `compare` orders keys as the list does.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, request: PageRequest, digest: string, compare: (a: string, b: string) => number = byCodePoint): Page<T> {
  const start = request.after === undefined ? 0 : firstAfter(items, keyOf, request.after, compare);
  const page = items.slice(start, start + request.limit);
  const remaining = items.length - start - page.length;
  const last = page[page.length - 1];
  return {
    items: page,
    metadata: remaining > 0 && last !== undefined ? { continue: encodeContinue(keyOf(last), digest), remainingItemCount: remaining } : {},
  };
}

function firstAfter<T>(items: readonly T[], keyOf: (item: T) => string, after: string, compare: (a: string, b: string) => number): number {
  const index = items.findIndex((item) => compare(keyOf(item), after) > 0);
  return index === -1 ? items.length : index;
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
