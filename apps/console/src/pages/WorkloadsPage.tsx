import { useState } from 'react';
import { getAll } from '../api.ts';
import { Loaded, useLoad } from '../load.tsx';
import { href } from '../router.ts';
import { canOperate, useMe } from '../session.ts';

/** A workload as GET /api/v1/workloads lists it: what the table needs of it. */
interface WorkloadRow {
  readonly metadata: { readonly namespace: string; readonly name: string; readonly deletionRequestedAt?: string };
  readonly spec: { readonly tenant: string; readonly priority: number };
  readonly priorityClass?: string;
  readonly status: { readonly phase: string; readonly summary: string; readonly clusters: readonly { readonly cluster: string }[] };
}

const PHASES = ['Available', 'Progressing', 'Pending', 'Unschedulable', 'Degraded', 'Unknown'] as const;

/** Workloads of the caller's tenants, filtered by namespace, tenant, label selector and phase. */
export function WorkloadsPage() {
  const me = useMe();
  const [namespace, setNamespace] = useState('');
  const [tenant, setTenant] = useState('');
  const [selector, setSelector] = useState('');
  const [phase, setPhase] = useState('');
  // REST pages through every workload with its continue tokens (a GraphQL list would be capped by `first` and the cost limit).
  const filters = { namespace: namespace.trim(), tenant: tenant.trim(), labelSelector: selector.trim() };
  const [load, , stale] = useLoad(() => getAll<WorkloadRow>('/api/v1/workloads', filters), JSON.stringify(filters));

  return (
    <section aria-labelledby="workloads-heading">
      <h1 id="workloads-heading" tabIndex={-1}>
        Workloads
      </h1>
      {canOperate(me) && (
        <p>
          <a className="button" href={href({ page: 'new-workload' })}>
            New workload
          </a>
        </p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter workloads">
        <label>
          Namespace <input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
        </label>
        <label>
          Tenant{' '}
          {me.identity.tenants !== undefined && me.identity.tenants.length > 0 ? (
            <select value={tenant} onChange={(e) => setTenant(e.target.value)}>
              <option value="">All of mine</option>
              {me.identity.tenants.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          ) : (
            <input value={tenant} onChange={(e) => setTenant(e.target.value)} />
          )}
        </label>
        <label>
          Label selector <input value={selector} onChange={(e) => setSelector(e.target.value)} placeholder="app=web,tier!=cache" />
        </label>
        <label>
          Phase{' '}
          <select value={phase} onChange={(e) => setPhase(e.target.value)}>
            <option value="">All</option>
            {PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
      </form>
      <Loaded load={load} what="workloads" stale={stale}>
        {(rows) => {
          const shown = rows.filter((w) => phase === '' || w.status.phase === phase);
          if (shown.length === 0) return <p className="empty">{rows.length === 0 ? 'No workloads yet.' : 'No workloads match these filters.'}</p>;
          return (
            <table>
              <thead>
                <tr>
                  <th scope="col">Workload</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Status</th>
                  <th scope="col">Clusters</th>
                </tr>
              </thead>
              <tbody>
                {shown.map(({ metadata: m, spec, priorityClass, status }) => (
                  <tr key={`${m.namespace}/${m.name}`}>
                    <td>
                      <a href={href({ page: 'workload', namespace: m.namespace, name: m.name })}>
                        {m.namespace}/{m.name}
                      </a>
                      {m.deletionRequestedAt !== undefined && <span className="tag">deleting</span>}
                    </td>
                    <td>{spec.tenant}</td>
                    <td>{priorityClass ?? spec.priority}</td>
                    <td className={`phase phase-${status.phase.toLowerCase()}`}>{status.summary}</td>
                    <td>{status.clusters.map((c) => c.cluster).join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Loaded>
    </section>
  );
}
