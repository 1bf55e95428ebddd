import { useState } from 'react';
import { stringify } from 'yaml';
import { graphql, messageOf } from '../api.ts';
import { age } from '../format.ts';
import { Loaded, useLoad } from '../load.tsx';
import { href, navigate } from '../router.ts';
import { canOperate, useMe } from '../session.ts';
import { EventList, type EventItem } from './EventList.tsx';

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string | null;
  readonly message: string | null;
}

interface WorkloadDetail {
  readonly namespace: string;
  readonly name: string;
  readonly tenant: string;
  readonly generation: number;
  readonly version: string;
  readonly priority: number;
  readonly priorityClass: string | null;
  readonly deletionRequestedAt: string | null;
  readonly spec: { overrides?: unknown[]; placement?: unknown };
  readonly status: { phase: string; summary: string; desiredReplicas: number; readyReplicas: number; availableReplicas: number; unplacedReplicas: number };
  readonly placement: { generation: number; decidedAt: string; summary: string; diagnosis: { cluster: string; code: string; reasons: string[] }[] } | null;
  readonly clusters: { name: string; desiredReplicas: number; readyReplicas: number; availableReplicas: number; stale: boolean; conditions: Condition[]; lastError: string | null; cluster: { zone: string | null; ready: { status: string } } | null }[];
  readonly history: { generation: number; at: string; reason: string; summary: string; by: string | null; clusters: { name: string; replicas: number }[] }[];
  readonly events: EventItem[];
}

const QUERY = /* GraphQL */ `
  query Workload($namespace: String!, $name: String!) {
    workload(namespace: $namespace, name: $name) {
      namespace name tenant generation version priority priorityClass deletionRequestedAt spec
      status { phase summary desiredReplicas readyReplicas availableReplicas unplacedReplicas }
      placement { generation decidedAt summary diagnosis { cluster code reasons } }
      clusters {
        name desiredReplicas readyReplicas availableReplicas stale lastError
        conditions { type status reason message }
        cluster { zone ready { status } }
      }
      history(first: 20) { generation at reason summary by clusters { name replicas } }
      events(first: 30) { id time type reason message kind name actor }
    }
  }
`;

const DELETE = 'mutation($namespace: String!, $name: String!, $version: String) { deleteWorkload(namespace: $namespace, name: $name, version: $version) { name } }';

function conditionOf(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

function Actions({ workload }: { workload: WorkloadDetail }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const [deleting, setDeleting] = useState(false);

  async function remove(): Promise<void> {
    if (!window.confirm(`Delete workload ${workload.namespace}/${workload.name}? Its copies are removed from every cluster.`)) return;
    setDeleting(true);
    setError(undefined);
    try {
      await graphql(DELETE, { namespace: workload.namespace, name: workload.name, version: workload.version });
      navigate({ page: 'workloads' });
    } catch (failure) {
      setError(`Deleting failed: ${messageOf(failure)}`);
      setDeleting(false);
    }
  }

  return (
    <div className="actions" role="group" aria-label="Workload actions">
      <a className="button" href={href({ page: 'edit-workload', namespace: workload.namespace, name: workload.name })}>
        Edit
      </a>
      <button type="button" className="danger" disabled={deleting || workload.deletionRequestedAt !== null} onClick={() => void remove()}>
        {deleting ? 'Deleting…' : 'Delete'}
      </button>
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** One workload: replicas and status per cluster, why not elsewhere, overrides, placement history. */
export function WorkloadPage({ namespace, name }: { namespace: string; name: string }) {
  const me = useMe();
  const [load, , stale] = useLoad(async () => (await graphql<{ workload: WorkloadDetail }>(QUERY, { namespace, name })).workload, `workload:${namespace}/${name}`);

  return (
    <section aria-labelledby="workload-heading">
      <p className="crumbs">
        <a href={href({ page: 'workloads' })}>Workloads</a> / {namespace}
      </p>
      <h1 id="workload-heading" tabIndex={-1}>
        Workload {namespace}/{name}
      </h1>
      <Loaded load={load} what="workload" stale={stale}>
        {(w, at) => (
          <>
            <p className={`phase phase-${w.status.phase.toLowerCase()}`} aria-label="Workload status">
              <strong>{w.status.phase}</strong> · <span className="summary">{w.status.summary}</span>
              {w.deletionRequestedAt !== null && <span className="tag">deletion requested {age(w.deletionRequestedAt, at)} ago</span>}
            </p>
            <dl className="facts">
              <dt>Tenant</dt>
              <dd>{w.tenant}</dd>
              <dt>Priority</dt>
              <dd>{w.priorityClass ?? w.priority}</dd>
              <dt>Generation</dt>
              <dd>{w.generation}</dd>
              <dt>Replicas</dt>
              <dd>
                {w.status.availableReplicas} available, {w.status.readyReplicas} ready of {w.status.desiredReplicas}
                {w.status.unplacedReplicas > 0 && `; ${w.status.unplacedReplicas} did not fit anywhere`}
              </dd>
            </dl>
            {canOperate(me) && <Actions workload={w} />}

            <h2>Per cluster</h2>
            {w.clusters.length === 0 ? (
              <p className="empty">Placed on no cluster{w.placement === null ? ' yet' : ''}.</p>
            ) : (
              <table aria-label="Status per cluster">
                <thead>
                  <tr>
                    <th scope="col">Cluster</th>
                    <th scope="col">Zone</th>
                    <th scope="col">Replicas</th>
                    <th scope="col">Available</th>
                    <th scope="col">Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {w.clusters.map((c) => {
                    const available = conditionOf(c.conditions, 'Available');
                    return (
                      <tr key={c.name}>
                        <td>
                          <a href={href({ page: 'cluster', name: c.name })}>{c.name}</a>
                          {c.cluster !== null && c.cluster.ready.status !== 'True' && <span className="tag bad">cluster not ready</span>}
                        </td>
                        <td>{c.cluster?.zone ?? '—'}</td>
                        <td>
                          {c.availableReplicas}/{c.desiredReplicas}
                          {c.stale && <span className="tag">stale</span>}
                        </td>
                        <td>{available === undefined ? 'Unknown' : `${available.status}${available.reason ? ` (${available.reason})` : ''}`}</td>
                        <td>{c.lastError ?? ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}

            <h2>Why not here?</h2>
            {w.placement === null || w.placement.diagnosis.length === 0 ? (
              <p className="empty">{w.placement === null ? 'Not placed yet.' : 'Every cluster got replicas.'}</p>
            ) : (
              <ul className="plain diagnosis">
                {w.placement.diagnosis.map((d) => (
                  <li key={d.cluster}>
                    <a href={href({ page: 'cluster', name: d.cluster })}>{d.cluster}</a>: <strong>{d.code}</strong> {d.reasons.join('; ')}
                  </li>
                ))}
              </ul>
            )}

            <h2>Overrides</h2>
            {w.spec.overrides === undefined || w.spec.overrides.length === 0 ? <p className="empty">No overrides: every cluster gets the same manifests.</p> : <pre className="yaml">{stringify(w.spec.overrides)}</pre>}

            <h2>Placement history</h2>
            {w.history.length === 0 ? (
              <p className="empty">No placement yet.</p>
            ) : (
              <ol className="timeline">
                {w.history.map((h) => (
                  <li key={`${h.generation}-${h.at}`}>
                    <time dateTime={h.at} title={h.at}>
                      {age(h.at, at)} ago
                    </time>
                    <span className="reason">{h.reason}</span>
                    <span className="event-message">
                      generation {h.generation}: {h.clusters.map((c) => `${c.name} ×${c.replicas}`).join(', ') || 'nowhere'} — {h.summary}
                    </span>
                    {h.by !== null && <span className="actor">by {h.by}</span>}
                  </li>
                ))}
              </ol>
            )}

            <h2>Events</h2>
            <EventList events={w.events} now={at} empty="No events yet." />
          </>
        )}
      </Loaded>
    </section>
  );
}
