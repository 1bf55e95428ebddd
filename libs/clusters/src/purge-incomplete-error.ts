import type { MemberFailure } from './member-unreachable-error.ts';

/** An object the hub applied to a member, as named in a purge report. */
export interface ManagedObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * A purge listed a member completely but some deletes failed. What was deleted stays deleted;
 * the registration is kept so that the purge can be run again.
 */
export class PurgeIncompleteError extends Error {
  override name = 'PurgeIncompleteError';

  constructor(
    readonly cluster: string,
    readonly deleted: readonly ManagedObjectRef[],
    readonly failures: readonly MemberFailure[],
  ) {
    super(
      `purge of member cluster "${cluster}" is incomplete: ${deleted.length} object(s) deleted, ${failures.length} delete(s) failed; the registration is kept, run the purge again`,
    );
  }
}
