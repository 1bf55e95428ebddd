import { createClient, type Client } from 'graphql-ws';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

export type FeedState = 'connecting' | 'live' | 'lost';

interface Live {
  readonly state: FeedState;
  /** Counts the events received: pages read again when it moves. */
  readonly version: number;
}

const LiveContext = createContext<Live>({ state: 'connecting', version: 0 });

// What an event says is read by the page itself: the feed only needs to know that one came.
const SUBSCRIPTIONS = ['subscription { clusterHealth { event { id } } }', 'subscription { workloadStatus { event { id } } }', 'subscription { failoverEvents { id } }'];

/** A page reads again at most this often while events arrive. */
const SETTLE_MS = 300;

/**
 * The console's live feed: the hub's GraphQL subscriptions (cluster health, workload status,
 * failover events) over one websocket, authenticated by the session cookie. It reconnects for
 * ever; while it is down the header says so, and pages keep what they last read.
 */
export function LiveFeed({ children }: { children: ReactNode }) {
  const [live, setLive] = useState<Live>({ state: 'connecting', version: 0 });

  useEffect(() => {
    // A client being disposed (the page leaves, or React mounts again) reports nothing more.
    let disposed = false;
    const set = (change: (current: Live) => Live): void => {
      if (!disposed) setLive(change);
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      set((current) => ({ ...current, version: current.version + 1 }));
    };
    const client: Client = createClient({
      url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`,
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 10_000))),
      on: {
        connected: () => {
          // Whatever happened while the feed was down is read again.
          set((current) => ({ ...current, state: 'live', version: current.version + 1 }));
        },
        closed: () => set((current) => ({ ...current, state: 'lost' })),
      },
    });
    const stops = SUBSCRIPTIONS.map((query) =>
      client.subscribe(
        { query },
        {
          next: () => {
            timer ??= setTimeout(flush, SETTLE_MS);
          },
          error: () => set((current) => ({ ...current, state: 'lost' })),
          complete: () => undefined,
        },
      ),
    );
    return () => {
      disposed = true;
      clearTimeout(timer);
      for (const stop of stops) stop();
      void client.dispose();
    };
  }, []);

  return <LiveContext value={live}>{children}</LiveContext>;
}

/** The live feed's state and event count. */
export function useLive(): Live {
  return useContext(LiveContext);
}

/** The header's indicator: live, connecting, or lost (pages then show what they last read). */
export function LiveIndicator() {
  const { state } = useLive();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Live feed lost: reconnecting';
  return (
    <span className={`live live-${state}`} role="status" aria-live="polite" title="Health, status and events update by themselves while live">
      {text}
    </span>
  );
}
