import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf } from './api.ts';
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
