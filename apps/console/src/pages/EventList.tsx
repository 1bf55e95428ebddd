import { age } from '../format.ts';
import { href } from '../router.ts';

/** An event as the hub's GraphQL API gives it (REST's with its object's kind and name flattened). */
export interface EventItem {
  readonly id: string;
  readonly time: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly kind: string;
  readonly name: string;
  readonly actor: string;
}

/** Where an event's object lives in the console, when it has a page. */
function linkOf(event: EventItem): string | undefined {
  if (event.kind === 'Cluster') return href({ page: 'cluster', name: event.name });
  if (event.kind === 'Workload') {
    const [namespace, name] = event.name.split('/');
    if (namespace && name) return href({ page: 'workload', namespace, name });
  }
  return undefined;
}

/** A timeline of events, newest first; warnings stand out. */
export function EventList({ events, now, empty }: { events: readonly EventItem[]; now: Date; empty: string }) {
  if (events.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ol className="timeline">
      {events.map((event) => {
        const link = linkOf(event);
        return (
          <li key={event.id} className={`event event-${event.type.toLowerCase()}`}>
            <time dateTime={event.time} title={event.time}>
              {age(event.time, now)} ago
            </time>
            <span className="reason">{event.reason}</span>
            <span className="object">
              {event.kind} {link === undefined ? event.name : <a href={link}>{event.name}</a>}
            </span>
            <span className="event-message">{event.message}</span>
            <span className="actor">by {event.actor}</span>
          </li>
        );
      })}
    </ol>
  );
}
