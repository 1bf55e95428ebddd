import { matchesLabelSelector } from '../../clusters/src/index.ts';
import type { FleetQuery } from './fleet-query.ts';

/** A member object as the hub keeps or reads it (all its fields): only those the merge looks at are typed. */
export interface MemberObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
}

/** One object of a cross-cluster answer, tagged with where it lives. */
export interface FleetItem {
  readonly cluster: string;
  readonly zone?: string;
  readonly object: MemberObject;
}

/** Why a cluster's objects are missing from (or may be old in) an answer. */
export type FleetErrorReason =
  /** No answer within the per-cluster time limit. */
  | 'Timeout'
  /** The member could not be reached (connection refused, reset, DNS, TLS). */
  | 'Unreachable'
  /** The member refused the hub's credential. */
  | 'Forbidden'
  /** The member does not serve this kind. */
  | 'KindNotFound'
  /** The items come from a cache that may be old: the cluster is not Ready or its watch is down. */
  | 'Stale'
  /** The member answered with another error. */
  | 'MemberError';

/** A cluster whose part of the answer failed or may be old; its items (if any) are still in `items`. */
export interface FleetError {
  readonly cluster: string;
  readonly reason: FleetErrorReason;
  readonly message: string;
  /** For `Stale`: when the cache was last known to be current. */
  readonly since?: string;
}

/** Which namespaces a caller may read: all, or a set (cluster-scoped objects are then never shown). */
export type NamespaceScope = { readonly all: true } | { readonly all: false; readonly namespaces: ReadonlySet<string> };

/** Whether `object` answers `query` (namespace, name, labels) and `scope` lets the caller see it. */
export function selects(query: FleetQuery, scope: NamespaceScope, object: MemberObject): boolean {
  const metadata = object.metadata ?? {};
  const namespace = metadata.namespace ?? '';
  if (query.namespace !== undefined && namespace !== query.namespace) return false;
  if (query.name !== undefined && metadata.name !== query.name) return false;
  if (!scope.all && !scope.namespaces.has(namespace)) return false;
  return matchesLabelSelector(query.labelSelector, metadata.labels ?? {});
}

/**
 * The order and the paging position of a merged list: namespace, name, then cluster, joined
 * with a separator that sorts below every character a name may hold, so `a/b` < `a-x/b`
 * compares as the tuple does.
 */
export function fleetItemKey(item: FleetItem): string {
  return `${item.object.metadata?.namespace ?? ''}\u0000${item.object.metadata?.name ?? ''}\u0000${item.cluster}`;
}

/** Items of several clusters in one list, in {@link fleetItemKey} order. */
export function mergeFleetItems(parts: readonly (readonly FleetItem[])[]): FleetItem[] {
  const keyed = parts.flat().map((item) => ({ key: fleetItemKey(item), item }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.item);
}
