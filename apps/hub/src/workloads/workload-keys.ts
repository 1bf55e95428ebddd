import {
  CLEANUP_KIND,
  MEMBER_STATUS_KIND,
  NAMESPACE_CLAIM_KIND,
  OVERRIDE_SET_KIND,
  PLACEMENT_KIND,
  WORKLOAD_KIND,
} from '../../../../libs/workloads/src/index.ts';
import type { RecordKey } from '../../../../libs/store/src/index.ts';

// Namespaces, workload names and cluster names are DNS-1123 labels (no dots), so joining them
// with '.' is unambiguous and a valid store id.

/** The store id of a workload: `<namespace>.<name>`. */
export const workloadId = (namespace: string, name: string): string => `${namespace}.${name}`;

/** `<namespace>/<name>`, as events and people name a workload. */
export const workloadDisplayName = (namespace: string, name: string): string => `${namespace}/${name}`;

export function splitWorkloadId(id: string): { namespace: string; name: string } {
  const dot = id.indexOf('.');
  return { namespace: id.slice(0, dot), name: id.slice(dot + 1) };
}

export const workloadKey = (id: string): RecordKey => ({ kind: WORKLOAD_KIND, id });
export const placementKey = (id: string): RecordKey => ({ kind: PLACEMENT_KIND, id });
export const memberStatusKey = (id: string, cluster: string): RecordKey => ({ kind: MEMBER_STATUS_KIND, id: `${id}.${cluster}` });
export const cleanupKey = (uid: string, cluster: string): RecordKey => ({ kind: CLEANUP_KIND, id: `${uid}.${cluster}` });
export const overrideSetKey = (name: string): RecordKey => ({ kind: OVERRIDE_SET_KIND, id: name });
export const namespaceClaimKey = (namespace: string): RecordKey => ({ kind: NAMESPACE_CLAIM_KIND, id: namespace });
