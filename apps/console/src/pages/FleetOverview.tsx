import { useEffect, useState } from 'react';
import { fetchClusters, type Cluster } from './api.ts';
import { age, cpu, memory } from './format.ts';

type Load = { state: 'loading' } | { state: 'loaded'; clusters: Cluster[]; at: Date } | { state: 'error'; message: string };

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
        {cluster.name}
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

export function FleetOverview() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  useEffect(() => {
    fetchClusters().then(
      (clusters) => setLoad({ state: 'loaded', clusters, at: new Date() }),
      (error: unknown) => setLoad({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  return (
    <section aria-labelledby="overview-heading">
      <h1 id="overview-heading">Fleet overview</h1>
      {load.state === 'loading' && <p role="status">Loading clusters…</p>}
      {load.state === 'error' && (
        <p role="alert" className="error">
          The clusters could not be read: {load.message}
        </p>
      )}
      {load.state === 'loaded' && load.clusters.length === 0 && <p className="empty">No clusters registered.</p>}
      {load.state === 'loaded' &&
        byZone(load.clusters).map(([zone, clusters]) => (
          <section key={zone} className="zone" aria-labelledby={`zone-${zone}`}>
            <h2 id={`zone-${zone}`}>Zone {zone}</h2>
            <ul className="clusters">
              {clusters.map((cluster) => (
                <ClusterCard key={cluster.name} cluster={cluster} now={load.at} />
              ))}
            </ul>
          </section>
        ))}
    </section>
  );
}
