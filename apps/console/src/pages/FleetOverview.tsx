import { fetchClusters, get, type Cluster } from '../api.ts';
import { age, cpu, memory } from '../format.ts';
import { Loaded, useLoad } from '../load.tsx';
import { href } from '../router.ts';

interface FailoverGuard {
  readonly guard: { readonly suspended: boolean; readonly since?: number; readonly reason?: string };
  readonly drains: readonly { readonly cluster: string }[];
}

const NO_ZONE = '(no zone)';

/** Clusters by zone, zones and clusters by name. */
function byZone(clusters: readonly Cluster[]): [string, Cluster[]][] {
  const zones = new Map<string, Cluster[]>();
  for (const cluster of clusters) {
    const zone = cluster.spec.zone ?? NO_ZONE;
    zones.set(zone, [...(zones.get(zone) ?? []), cluster]);
  }
  return [...zones].sort(([a], [b]) => a.localeCompare(b)).map(([zone, list]) => [zone, list.sort((a, b) => a.name.localeCompare(b.name))]);
}

function Bar({ label, used, total, text }: { label: string; used: number; total: number; text: string }) {
  return (
    <div className="bar">
      <span className="bar-label">{label}</span>
      <meter min={0} max={Math.max(total, 1)} value={Math.min(used, Math.max(total, 1))} aria-label={`${label}: ${text}`} />
      <span className="bar-text">{text}</span>
    </div>
  );
}

function ClusterCard({ cluster, now }: { cluster: Cluster; now: Date }) {
  const { ready, capacity } = cluster.status;
  const readyText = ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'Not ready' : 'Unknown';
  return (
    <li className="cluster" aria-labelledby={`cluster-${cluster.name}`}>
      <h3 id={`cluster-${cluster.name}`}>
        <a href={href({ page: 'cluster', name: cluster.name })}>{cluster.name}</a>
        {cluster.spec.cordoned && <span className="tag">cordoned</span>}
      </h3>
      <p className={`ready ready-${ready.status.toLowerCase()}`}>
        <span className="ready-status">{readyText}</span> · <span className="ready-reason">{ready.reason}</span> · <span title={ready.lastTransitionTime}>for {age(ready.lastTransitionTime, now)}</span>
      </p>
      {ready.message !== '' && <p className="message">{ready.message}</p>}
      {capacity === undefined ? (
        <p className="no-capacity">No capacity reported yet.</p>
      ) : (
        <div className="capacity" aria-label={`Capacity of ${cluster.name}`}>
          <Bar label="CPU" used={capacity.requested.cpuMillis} total={capacity.allocatable.cpuMillis} text={`${cpu(capacity.requested.cpuMillis)} of ${cpu(capacity.allocatable.cpuMillis)} cores requested`} />
          <Bar label="Memory" used={capacity.requested.memoryBytes} total={capacity.allocatable.memoryBytes} text={`${memory(capacity.requested.memoryBytes)} of ${memory(capacity.allocatable.memoryBytes)} requested`} />
          <p className="nodes">
            {capacity.nodes.ready} of {capacity.nodes.total} nodes ready · measured {age(capacity.observedAt, now)} ago
          </p>
        </div>
      )}
    </li>
  );
}

/** Alerts over the whole fleet: automatic failover suspended, drains under way. */
function FleetAlerts() {
  const [load] = useLoad(() => get<FailoverGuard>('/api/v1/failover'), 'failover-guard');
  // Without the right to read it (no role), the clusters' error already says why.
  if (load.state === 'error' && load.status !== 401 && load.status !== 403) {
    return (
      <p role="status" className="warning">
        The failover state could not be read: {load.message}
      </p>
    );
  }
  if (load.state !== 'loaded') return null;
  const { guard, drains } = load.data;
  return (
    <>
      {guard.suspended && (
        <p role="alert" className="alert">
          <strong>Automatic failover suspended</strong>
          {guard.since === undefined ? '' : ` since ${new Date(guard.since).toLocaleTimeString()}`}: {guard.reason ?? 'too much of the fleet was lost at once'}. Nothing moves until the picture is clear again.
        </p>
      )}
      {drains.length > 0 && (
        <p role="status" className="warning">
          Draining: {drains.map((d) => d.cluster).join(', ')}
        </p>
      )}
    </>
  );
}

/** The fleet at a glance: zones, their clusters with health and capacity; live. */
export function FleetOverview() {
  const [load, , stale] = useLoad(fetchClusters, 'clusters');

  return (
    <section aria-labelledby="overview-heading">
      <h1 id="overview-heading" tabIndex={-1}>
        Fleet overview
      </h1>
      <FleetAlerts />
      <Loaded load={load} what="clusters" stale={stale}>
        {(clusters, at) =>
          clusters.length === 0 ? (
            <p className="empty">No clusters registered. Register one with POST /api/v1/clusters (docs/clusters.md).</p>
          ) : (
            byZone(clusters).map(([zone, list]) => (
              <section key={zone} className="zone" aria-label={`Zone ${zone}`}>
                <h2>
                  Zone {zone} <span className="zone-summary">{list.filter((c) => c.status.ready.status === 'True').length} of {list.length} ready</span>
                </h2>
                <ul className="clusters">
                  {list.map((cluster) => (
                    <ClusterCard key={cluster.name} cluster={cluster} now={at} />
                  ))}
                </ul>
              </section>
            ))
          )
        }
      </Loaded>
    </section>
  );
}
