import type { MemberEndpoint } from './member-http.ts';

/** A registered cluster as the prober sees it. */
export interface ProbeTarget {
  readonly name: string;
  /** Value of the zone label, `''` when it has none; a label of the prober's metrics. */
  readonly zone: string;
  /** How to reach it; absent when the hub cannot open its credentials (`unavailable` says why). */
  readonly endpoint?: MemberEndpoint;
  readonly unavailable?: string;
}

/** The clusters to probe, read anew every period. A port so tests can feed it from the local fleet. */
export interface ClusterTargets {
  list(): Promise<ProbeTarget[]>;
}

/** Injection token of the {@link ClusterTargets} the prober uses. */
export const CLUSTER_TARGETS = Symbol('CLUSTER_TARGETS');
