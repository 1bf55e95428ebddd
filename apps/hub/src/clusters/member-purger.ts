import type { ManagedObjectRef } from '../../../../libs/clusters/src/index.ts';
import type { ClusterAccess } from './cluster-access.ts';

/**
 * Removes from a member what the hub applied there. A port, so that the registry does not depend
 * on how members are reached.
 */
export interface MemberPurger {
  /**
   * Deletes every object labelled `app.kubernetes.io/managed-by=flotilla` of the kinds the hub
   * applies, and only after every one of those lists succeeded. Resolves to what was deleted.
   * Throws MemberUnreachableError when any list fails (nothing is deleted then) and
   * PurgeIncompleteError when some deletes fail.
   */
  purge(access: ClusterAccess): Promise<ManagedObjectRef[]>;
}

export const MEMBER_PURGER = Symbol('MEMBER_PURGER');
