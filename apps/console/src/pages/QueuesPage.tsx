import { useEffect, useState } from 'react';
import { get, messageOf, send } from '../api.ts';
import { Loaded, useLoad } from '../load.tsx';
import { isAdmin, useMe } from '../session.ts';

interface QueueCounts {
  readonly name: string;
  readonly counts: Record<string, number>;
}

interface Job {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly attemptsMade: number;
  readonly attempts: number;
  readonly failedReason?: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;
/** Queue depths move without events: read again this often. */
const REFRESH_MS = 5_000;

function Jobs({ queue, state, admin, onRetried }: { queue: string; state: string; admin: boolean; onRetried: () => void }) {
  const [load, reload, stale] = useLoad(async () => (await get<{ items: Job[] }>(`/api/v1/queues/${encodeURIComponent(queue)}/jobs`, { state, limit: '50' })).items, `jobs:${queue}:${state}`);
  const [retrying, setRetrying] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  async function retry(id: string): Promise<void> {
    setRetrying(id);
    setError(undefined);
    try {
      await send('POST', `/api/v1/queues/${encodeURIComponent(queue)}/jobs/${encodeURIComponent(id)}/retry`);
      reload();
      onRetried();
    } catch (failure) {
      setError(`Retry of job ${id} failed: ${messageOf(failure)}`);
    } finally {
      setRetrying(undefined);
    }
  }

  return (
    <Loaded load={load} what={`${state} jobs of ${queue}`} stale={stale}>
      {(jobs) => (
        <>
          {error !== undefined && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {jobs.length === 0 ? (
            <p className="empty">
              No {state} jobs in {queue}.
            </p>
          ) : (
            <table>
              <caption>
                {state} jobs of {queue}, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Created</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Reason</th>
                  {admin && state === 'failed' && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {jobs.map((job) => (
                  <tr key={job.id}>
                    <td>
                      <code>{job.id}</code> {job.name}
                    </td>
                    <td>
                      <time dateTime={job.createdAt}>{new Date(job.createdAt).toLocaleString()}</time>
                    </td>
                    <td>
                      {job.attemptsMade} of {job.attempts}
                    </td>
                    <td>{job.failedReason ?? ''}</td>
                    {admin && state === 'failed' && (
                      <td>
                        <button type="button" disabled={retrying !== undefined} onClick={() => void retry(job.id)} aria-label={`Retry job ${job.id}`}>
                          {retrying === job.id ? 'Retrying…' : 'Retry'}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Loaded>
  );
}

/** The placement, apply and cleanup queues: depth per state; for admins the jobs and retry. */
export function QueuesPage() {
  const me = useMe();
  const admin = isAdmin(me);
  const [load, reload, stale] = useLoad(async () => (await get<{ items: QueueCounts[] }>('/api/v1/queues')).items, 'queues');
  const [selected, setSelected] = useState<{ queue: string; state: string } | undefined>(undefined);

  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <section aria-labelledby="queues-heading">
      <h1 id="queues-heading" tabIndex={-1}>
        Queues
      </h1>
      <Loaded load={load} what="queues" stale={stale}>
        {(queues) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                {STATES.map((s) => (
                  <th scope="col" key={s}>
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr key={q.name}>
                  <th scope="row">{q.name}</th>
                  {STATES.map((s) => (
                    <td key={s} className={s === 'failed' && (q.counts[s] ?? 0) > 0 ? 'failed-count' : undefined}>
                      {admin ? (
                        <button type="button" className="link" onClick={() => setSelected({ queue: q.name, state: s })} aria-label={`${q.counts[s] ?? 0} ${s} jobs in ${q.name}: show them`}>
                          {q.counts[s] ?? 0}
                        </button>
                      ) : (
                        (q.counts[s] ?? 0)
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      {!admin && <p className="message">Job details and retry are for admins.</p>}
      {admin && selected !== undefined && <Jobs key={`${selected.queue}:${selected.state}`} queue={selected.queue} state={selected.state} admin={admin} onRetried={reload} />}
    </section>
  );
}
