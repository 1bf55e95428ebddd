import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../clusters/src/managed-by.ts';
import type { LiveObject } from './member-status.ts';
import { WORKLOAD_UID_LABEL } from './workload.ts';

/** One object on a member, by type and name. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface PrunePlanInput {
  readonly workloadUid: string;
  /** The objects the current generation renders for this member. */
  readonly desired: readonly ObjectRef[];
  /** The objects a successful list on the member returned. */
  readonly listed: readonly LiveObject[];
}

// The version is left out: an object moved from apps/v1beta2 to apps/v1 is the same object, not
// one to delete.
const identity = (apiVersion: string, kind: string, namespace: string, name: string): string =>
  JSON.stringify([apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '', kind, namespace, name]);

/**
 * The listed objects to delete: those that carry `app.kubernetes.io/managed-by=flotilla` and this
 * workload's uid label, have a uid (deletes are made conditional on it), a type and a name, and
 * are no longer desired (compared by group, kind, namespace and name). Nothing unlabelled, and
 * nothing of another workload, is ever returned. Call it only with the result of a list that succeeded: an
 * empty `listed` deletes nothing, but a failed list must not be passed as an empty one. Ordered by
 * identity, so the same inputs give the same plan.
 */
export function planPrune(input: PrunePlanInput): (ObjectRef & { readonly uid: string })[] {
  const desired = new Set(input.desired.map((d) => identity(d.apiVersion, d.kind, d.namespace, d.name)));
  const plan = new Map<string, ObjectRef & { readonly uid: string }>();
  for (const object of input.listed) {
    const { apiVersion, kind, metadata = {} } = object;
    const { labels, uid, name, namespace = '' } = metadata;
    if (labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || labels[WORKLOAD_UID_LABEL] !== input.workloadUid) continue;
    if (!uid || !name || !apiVersion || !kind) continue;
    const key = identity(apiVersion, kind, namespace, name);
    if (!desired.has(key) && !plan.has(key)) plan.set(key, { apiVersion, kind, namespace, name, uid });
  }
  return [...plan].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
}
