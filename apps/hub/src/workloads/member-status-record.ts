import type { MemberWorkloadStatus } from '../../../../libs/workloads/src/index.ts';

/** A kind as a member serves it. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** What the hub keeps per workload and member: the status shown, and what the next sync and prune need. */
export interface MemberStatusRecord {
  readonly workload: string;
  /** The workload uid the objects there were applied for. */
  readonly uid: string;
  readonly cluster: string;
  readonly status: MemberWorkloadStatus;
  /** Per object key, the digest of the hub-owned fields as the member held them after the last apply (see fingerprint.ts). */
  readonly fingerprints: Readonly<Record<string, string>>;
  /** Every kind ever applied there for this uid, so that a prune or cleanup lists each. */
  readonly appliedKinds: readonly KindRef[];
}
