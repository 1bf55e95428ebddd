import { useState } from 'react';
import { graphql } from '../api.ts';
import { Loaded, useLoad } from '../load.tsx';
import { EventList, type EventItem } from './EventList.tsx';

/** What the failover controller does, and what operators do to steer it (drains, fences, forced failovers). */
const OPERATOR_FAILOVER_REASONS = new Set(['DrainStarted', 'DrainStopped', 'DrainEnded', 'Fenced', 'Unfenced', 'FailoverForced', 'PurgeConfirmed']);
const isFailover = (event: EventItem): boolean => event.actor === 'system:failover' || OPERATOR_FAILOVER_REASONS.has(event.reason);

const QUERY = /* GraphQL */ `
  query Events($kind: String, $first: Int) {
    events(kind: $kind, first: $first) { id time type reason message kind name actor }
  }
`;

const KINDS = ['Cluster', 'Workload', 'Fleet'] as const;

/** The fleet's timeline: failovers, health changes, placements, operator actions; live. */
export function EventsPage() {
  const [kind, setKind] = useState('');
  const [failoverOnly, setFailoverOnly] = useState(false);
  const [warningsOnly, setWarningsOnly] = useState(false);
  const [load, , stale] = useLoad(async () => (await graphql<{ events: EventItem[] }>(QUERY, { kind: kind === '' ? null : kind, first: 300 })).events, `events:${kind}`);

  return (
    <section aria-labelledby="events-heading">
      <h1 id="events-heading" tabIndex={-1}>
        Failover and events
      </h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <label>
          Object kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">All</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={failoverOnly} onChange={(e) => setFailoverOnly(e.target.checked)} /> Failover only
        </label>
        <label>
          <input type="checkbox" checked={warningsOnly} onChange={(e) => setWarningsOnly(e.target.checked)} /> Warnings only
        </label>
      </form>
      <Loaded load={load} what="events" stale={stale}>
        {(events, at) => (
          <EventList
            events={events.filter((e) => (!failoverOnly || isFailover(e)) && (!warningsOnly || e.type === 'Warning'))}
            now={at}
            empty={failoverOnly ? 'No failover has happened in the recent events.' : 'No events.'}
          />
        )}
      </Loaded>
    </section>
  );
}
