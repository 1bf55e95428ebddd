import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { get, messageOf } from './api.ts';
import { useLive } from './live.tsx';

export type Load<T> = { readonly state: 'loading' } | { readonly state: 'loaded'; readonly data: T; readonly at: Date } | { readonly state: 'error'; readonly message: string; readonly status?: number };

/**
 * Reads with `read` when the page opens, when `key` changes, and again after every live event
 * (or `reload()`); what was read stays on screen while a new read runs, and a failed re-read
 * after a good one keeps the data and says so.
 */
export function useLoad<T>(read: () => Promise<T>, key: string, live = true): [Load<T>, () => void, string | undefined] {
  const { version } = useLive();
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const shown = useRef<{ key: string; loaded: boolean }>({ key, loaded: false });
  const [stale, setStale] = useState<string | undefined>(undefined);
  const [nudge, setNudge] = useState(0);
  const trigger = live ? version : 0;

  useEffect(() => {
    let current = true;
    if (shown.current.key !== key) {
      shown.current = { key, loaded: false };
      setLoad({ state: 'loading' });
    }
    read().then(
      (data) => {
        if (!current) return;
        shown.current.loaded = true;
        setLoad({ state: 'loaded', data, at: new Date() });
        setStale(undefined);
      },
      (error: unknown) => {
        if (!current) return;
        const status = (error as { status?: number }).status;
        if (shown.current.loaded && status !== 404) setStale(messageOf(error));
        else setLoad({ state: 'error', message: messageOf(error), ...(status === undefined ? {} : { status }) });
      },
    );
    return () => {
      current = false;
    };
    // `read` is a new function on every render: `key` says when it reads something else.
  }, [key, trigger, nudge]);

  const reload = useCallback(() => setNudge((n) => n + 1), []);
  return [load, reload, stale];
}

/** The loading, error and stale states of a page's read; `children` renders the data. */
export function Loaded<T>({ load, what, stale, children }: { load: Load<T>; what: string; stale?: string | undefined; children: (data: T, at: Date) => ReactNode }) {
  if (load.state === 'loading') return <p role="status">Loading {what}…</p>;
  if (load.state === 'error') {
    return (
      <p role="alert" className="error">
        {load.status === 404 ? `Not found: ${load.message}` : `The ${what} could not be read: ${load.message}`}
      </p>
    );
  }
  return (
    <>
      {stale !== undefined && (
        <p role="alert" className="warning">
          Showing what was read at {load.at.toLocaleTimeString()}: reading again failed ({stale}).
        </p>
      )}
      {children(load.data, load.at)}
    </>
  );
}

interface Page<T> {
  readonly items: T[];
  readonly metadata: { readonly continue?: string };
}

/** A list read page by page: the newest page follows the live feed, older ones come on request. */
export interface Paged<T> {
  readonly load: Load<T[]>;
  readonly stale: string | undefined;
  /** Reads the next older page; undefined when there is none (or the first has not arrived). */
  readonly more: (() => void) | undefined;
  readonly loadingMore: boolean;
  readonly moreError: string | undefined;
}

/**
 * A newest-first list of the hub's API with its continue tokens: the first page is read as
 * `useLoad` reads (again after every live event), older pages are appended on request and kept;
 * an item both in the first page and an older one (the list moved meanwhile) is shown once.
 */
export function usePaged<T>(path: string, query: Record<string, string | undefined>, key: string, idOf: (item: T) => string, pageSize = 100): Paged<T> {
  const [first, , stale] = useLoad(() => get<Page<T>>(path, { ...query, limit: String(pageSize) }), key);
  const [older, setOlder] = useState<{ key: string; items: T[]; next: string | undefined; started: boolean }>({ key, items: [], next: undefined, started: false });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | undefined>(undefined);
  const current = older.key === key ? older : { key, items: [], next: undefined, started: false };
  const next = current.started ? current.next : first.state === 'loaded' ? first.data.metadata.continue : undefined;

  const more =
    next === undefined || next === ''
      ? undefined
      : () => {
          setLoadingMore(true);
          setMoreError(undefined);
          get<Page<T>>(path, { ...query, limit: String(pageSize), continue: next }).then(
            (page) => {
              setOlder({ key, items: [...current.items, ...page.items], next: page.metadata.continue, started: true });
              setLoadingMore(false);
            },
            (error: unknown) => {
              setMoreError(messageOf(error));
              setLoadingMore(false);
            },
          );
        };

  let load: Load<T[]>;
  if (first.state !== 'loaded') load = first;
  else {
    const seen = new Set(first.data.items.map(idOf));
    load = { state: 'loaded', at: first.at, data: [...first.data.items, ...current.items.filter((item) => !seen.has(idOf(item)))] };
  }
  return { load, stale, more, loadingMore, moreError };
}

/** The "Show older" button of a paged list, and why the last try failed. */
export function ShowOlder<T>({ paged, what }: { paged: Paged<T>; what: string }) {
  if (paged.more === undefined && paged.moreError === undefined) return null;
  return (
    <p>
      {paged.more !== undefined && (
        <button type="button" onClick={paged.more} disabled={paged.loadingMore}>
          {paged.loadingMore ? 'Reading…' : `Show older ${what}`}
        </button>
      )}
      {paged.moreError !== undefined && (
        <span role="alert" className="error">
          {' '}
          Older {what} could not be read: {paged.moreError}
        </span>
      )}
    </p>
  );
}
