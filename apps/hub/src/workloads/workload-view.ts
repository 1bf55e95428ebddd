import type { VersionedRecord } from '../../../../libs/store/src/index.ts';
import {
  aggregateStatus,
  type PlacementRecord,
  priorityName,
  type WorkloadRecord,
  type WorkloadSpec,
  type WorkloadStatusView,
} from '../../../../libs/workloads/src/index.ts';
import type { MemberStatusRecord } from './member-status-record.ts';

/** A workload as the API shows it. */
export interface WorkloadView {
  readonly metadata: {
    readonly namespace: string;
    readonly name: string;
    readonly uid: string;
    /** Moves with every change of the spec. */
    readonly generation: number;
    /** Opaque resourceVersion: send it back in If-Match to update safely. */
    readonly version: string;
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly deletionRequestedAt?: string;
    /** Id of the key that sealed the Secret values (not secret); absent without Secrets. */
    readonly secretsKeyId?: string;
  };
  readonly spec: WorkloadSpec;
  /** The priority's class name, when it is exactly one. */
  readonly priorityClass?: string;
  /** The latest placement decision, with its diagnosis; absent before the first. */
  readonly placement?: PlacementRecord;
  readonly status: WorkloadStatusView;
}

export function toWorkloadView(
  record: VersionedRecord<WorkloadRecord>,
  placement: PlacementRecord | undefined,
  members: readonly MemberStatusRecord[],
  now: Date,
  staleAfterMs: number,
): WorkloadView {
  const { spec } = record.data;
  const className = priorityName(spec.priority);
  const current = members.filter((m) => m.uid === record.data.uid).map((m) => m.status);
  return {
    metadata: {
      namespace: spec.namespace,
      name: spec.name,
      uid: record.data.uid,
      generation: record.data.generation,
      version: String(record.version),
      createdAt: record.data.createdAt,
      updatedAt: record.updatedAt,
      ...(record.data.deletionRequestedAt ? { deletionRequestedAt: record.data.deletionRequestedAt } : {}),
      ...(record.data.sealedSecrets ? { secretsKeyId: record.data.sealedSecrets.keyId } : {}),
    },
    spec,
    ...(className === undefined ? {} : { priorityClass: className }),
    ...(placement ? { placement } : {}),
    status: aggregateStatus({ generation: record.data.generation, ...(placement ? { placement } : {}), members: current, now, staleAfterMs }),
  };
}
