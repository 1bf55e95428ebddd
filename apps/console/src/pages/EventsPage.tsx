import { useState } from 'react';
import { Loaded, ShowOlder, usePaged } from '../load.tsx';
import { EventList, type EventItem } from './EventList.tsx';

/** What the failover controller does, and what operators do to steer it (drains, fences, forced failovers). */
const OPERATOR_FAILOVER_REASONS = new Set(['DrainStarted', 'DrainStopped', 'DrainEnded', 'Fenced', 'Unfenced', 'FailoverForced', 'PurgeConfirmed']);
const isFailover = (event: EventItem): boolean => event.actor === 'system:failover' || OPERATOR_FAILOVER_REASONS.has(event.reason);

/** An event as GET /api/v1/events lists it. */
interface RestEvent {
  readonly id: string;
  readonly time: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly object: { readonly kind: string; readonly name: string };
  readonly actor: string;
}

const flat = ({ object, ...rest }: RestEvent): EventItem => ({ ...rest, kind: object.kind, name: object.name });

const KINDS = ['Cluster', 'Workload', 'Fleet'] as const;

/** The fleet's timeline: failovers, health changes, placements, operator actions; live. */
export function EventsPage() {
  const [kind, setKind] = useState('');
  const [failoverOnly, setFailoverOnly] = useState(false);
  const [warningsOnly, setWarningsOnly] = useState(false);
  const paged = usePaged<RestEvent>('/api/v1/events', { kind }, `events:${kind}`, (e) => e.id, 200);

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
      <Loaded load={paged.load} what="events" stale={paged.stale}>
        {(events, at) => (
          <EventList
            events={events.map(flat).filter((e) => (!failoverOnly || isFailover(e)) && (!warningsOnly || e.type === 'Warning'))}
            now={at}
            empty={failoverOnly ? 'No failover in the events read so far.' : 'No events.'}
          />
        )}
      </Loaded>
      <ShowOlder paged={paged} what="events" />
    </section>
  );
}
