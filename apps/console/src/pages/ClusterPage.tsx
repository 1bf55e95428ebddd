import { useState } from 'react';
import { graphql, messageOf } from '../api.ts';
import { age } from '../format.ts';
import { Loaded, useLoad } from '../load.tsx';
import { href } from '../router.ts';
import { canOperate, useMe } from '../session.ts';
import { EventList, type EventItem } from './EventList.tsx';

interface ClusterDetail {
  readonly name: string;
  readonly server: string;
  readonly zone: string | null;
  readonly region: string | null;
  readonly cordoned: boolean;
  readonly kubernetesVersion: string | null;
  readonly ready: { status: string; reason: string | null; message: string | null; lastTransitionTime: string | null };
  readonly conditions: { type: string; status: string; reason: string | null; message: string | null; lastTransitionTime: string | null }[];
  readonly drain: { since: string; remaining: string[]; done: boolean } | null;
  readonly workloads: { namespace: string; name: string; status: { phase: string; summary: string } }[];
  readonly events: EventItem[];
}

const QUERY = /* GraphQL */ `
  query Cluster($name: String!) {
    cluster(name: $name) {
      name server zone region cordoned kubernetesVersion
      ready { status reason message lastTransitionTime }
      conditions { type status reason message lastTransitionTime }
      drain { since remaining done }
      workloads(first: 200) { namespace name status { phase summary } }
      events(first: 50) { id time type reason message kind name actor }
    }
  }
`;

type Action = 'cordon' | 'uncordon' | 'drain' | 'stopDrain';

const MUTATIONS: Record<Action, { mutation: string; label: string; confirm?: string }> = {
  cordon: { mutation: 'mutation($name: String!) { cordonCluster(name: $name) { name } }', label: 'Cordon' },
  uncordon: { mutation: 'mutation($name: String!) { uncordonCluster(name: $name) { name } }', label: 'Uncordon' },
  drain: { mutation: 'mutation($name: String!) { drainCluster(name: $name) { cluster } }', label: 'Drain', confirm: 'Drain moves every workload off this cluster (a planned failover). Drain it?' },
  stopDrain: { mutation: 'mutation($name: String!) { stopDrain(name: $name) }', label: 'Stop drain' },
};

function Actions({ cluster, onDone }: { cluster: ClusterDetail; onDone: () => void }) {
  const [busy, setBusy] = useState<Action | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const draining = cluster.drain !== null;
  const offered: Action[] = [cluster.cordoned ? 'uncordon' : 'cordon', draining ? 'stopDrain' : 'drain'];

  async function act(action: Action): Promise<void> {
    const { mutation, confirm } = MUTATIONS[action];
    if (confirm !== undefined && !window.confirm(confirm)) return;
    setBusy(action);
    setError(undefined);
    try {
      await graphql(mutation, { name: cluster.name });
      onDone();
    } catch (failure) {
      setError(`${MUTATIONS[action].label} failed: ${messageOf(failure)}`);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="actions" role="group" aria-label="Cluster actions">
      {offered.map((action) => (
        <button key={action} type="button" disabled={busy !== undefined} onClick={() => void act(action)}>
          {busy === action ? `${MUTATIONS[action].label}…` : MUTATIONS[action].label}
        </button>
      ))}
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** One cluster: its conditions and their history, the workloads on it, cordon and drain. */
export function ClusterPage({ name }: { name: string }) {
  const me = useMe();
  const [load, reload, stale] = useLoad(async () => (await graphql<{ cluster: ClusterDetail }>(QUERY, { name })).cluster, `cluster:${name}`);

  return (
    <section aria-labelledby="cluster-heading">
      <p className="crumbs">
        <a href={href({ page: 'overview' })}>Fleet</a> / cluster
      </p>
      <h1 id="cluster-heading" tabIndex={-1}>
        Cluster {name}
      </h1>
      <Loaded load={load} what="cluster" stale={stale}>
        {(cluster, at) => (
          <>
            <p className={`ready ready-${cluster.ready.status.toLowerCase()}`}>
              <span className="ready-status">{cluster.ready.status === 'True' ? 'Ready' : cluster.ready.status === 'False' ? 'Not ready' : 'Unknown'}</span>
              {cluster.ready.reason !== null && <> · {cluster.ready.reason}</>}
              {cluster.ready.lastTransitionTime !== null && <> · for {age(cluster.ready.lastTransitionTime, at)}</>}
              {cluster.cordoned && <span className="tag">cordoned</span>}
              {cluster.drain !== null && <span className="tag">{cluster.drain.done ? 'drained' : `draining: ${cluster.drain.remaining.length} workloads to move`}</span>}
            </p>
            {cluster.ready.message !== null && cluster.ready.message !== '' && <p className="message">{cluster.ready.message}</p>}
            <dl className="facts">
              <dt>Zone</dt>
              <dd>{cluster.zone ?? '—'}</dd>
              <dt>Region</dt>
              <dd>{cluster.region ?? '—'}</dd>
              <dt>API server</dt>
              <dd>
                <code>{cluster.server}</code>
              </dd>
              <dt>Kubernetes</dt>
              <dd>{cluster.kubernetesVersion ?? 'not reported yet'}</dd>
            </dl>
            {canOperate(me) && <Actions cluster={cluster} onDone={reload} />}

            <h2>Conditions</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Since</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {cluster.conditions.map((c) => (
                  <tr key={c.type}>
                    <td>{c.type}</td>
                    <td>{c.status}</td>
                    <td>{c.reason ?? ''}</td>
                    <td title={c.lastTransitionTime ?? ''}>{c.lastTransitionTime === null ? '' : `${age(c.lastTransitionTime, at)} ago`}</td>
                    <td>{c.message ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>

            <h2>Workloads here</h2>
            {cluster.workloads.length === 0 ? (
              <p className="empty">No workloads placed here{me.identity.role === 'admin' ? '' : ' that you may see'}.</p>
            ) : (
              <ul className="plain">
                {cluster.workloads.map((w) => (
                  <li key={`${w.namespace}/${w.name}`}>
                    <a href={href({ page: 'workload', namespace: w.namespace, name: w.name })}>
                      {w.namespace}/{w.name}
                    </a>{' '}
                    <span className={`phase phase-${w.status.phase.toLowerCase()}`}>{w.status.summary}</span>
                  </li>
                ))}
              </ul>
            )}

            <h2>History</h2>
            <EventList events={cluster.events} now={at} empty="Nothing has happened to this cluster yet." />
          </>
        )}
      </Loaded>
    </section>
  );
}
