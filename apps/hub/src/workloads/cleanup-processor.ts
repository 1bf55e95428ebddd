import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLUSTER_KIND } from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { NotFoundError, Store, type StoreOp } from '../../../../libs/store/src/index.ts';
import { planPrune, type PlacementRecord, queuePriority, WORKLOAD_UID_LABEL, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { EventsService } from '../events/events.service.ts';
import { MemberClients } from './member-clients.ts';
import { classifyMemberError } from './member-error.ts';
import type { KindRef, MemberStatusRecord } from './member-status-record.ts';
import { PlacementHistory } from './placement-history.ts';
import { cleanupRetry } from './retry.ts';
import { cleanupJobId, CLEANUP_QUEUE, type CleanupJob, type DeleteJob, JOB } from './workload-jobs.ts';
import { cleanupKey, memberStatusKey, placementKey, splitWorkloadId, workloadDisplayName, workloadKey } from './workload-keys.ts';
import { WorkloadQueues } from './workload-queues.ts';

/** A member a deleted workload could not be removed from yet; cleaned when it answers again. */
export interface CleanupPending {
  readonly workload: string;
  readonly uid: string;
  readonly namespace: string;
  readonly cluster: string;
  readonly reason: CleanupJob['reason'];
  readonly since: string;
  readonly lastError: string;
  readonly kinds: readonly KindRef[];
}

/**
 * Removes workloads' objects from members: a workload deleted (the delete job, then one cleanup
 * job per member that could not be reached), or moved off a cluster. Only objects labelled
 * managed-by=flotilla with the workload's uid, found by lists that all succeeded, are deleted,
 * each with a uid precondition; a failed list deletes nothing and marks the member "cleanup
 * pending" instead.
 */
@Injectable()
export class CleanupProcessor {
  private readonly logger = new Logger('Cleanup');

  constructor(
    private readonly store: Store,
    private readonly clients: MemberClients,
    private readonly queues: WorkloadQueues,
    private readonly events: EventsService,
    private readonly history: PlacementHistory,
    @Inject(HUB_CONFIG) private readonly config: Config,
  ) {}

  /** Tries every member once (in parallel); marks the ones that fail pending with a retrying job; then forgets the workload. */
  async deleteWorkload(job: DeleteJob): Promise<{ cleaned: string[]; pending: string[] }> {
    const workload = await this.store.find<WorkloadRecord>(workloadKey(job.workload));
    if (!workload || workload.data.uid !== job.uid || !workload.data.deletionRequestedAt) return { cleaned: [], pending: [] };
    const { spec } = workload.data;
    const clusters = await this.store.list(CLUSTER_KIND);
    const placement = await this.store.find<PlacementRecord>(placementKey(job.workload));
    const members = await Promise.all(clusters.map((c) => this.store.find<MemberStatusRecord>(memberStatusKey(job.workload, c.key.id))));
    const placed = new Set(placement?.data.decision.clusters.map((c) => c.name) ?? []);
    const manifestKinds = spec.manifests.map((m) => ({ apiVersion: m.apiVersion, kind: m.kind }));
    const targets = clusters
      .map((c, i) => ({ cluster: c.key.id, member: members[i] }))
      .filter(({ cluster, member }) => placed.has(cluster) || member !== undefined);

    const cleaned: string[] = [];
    const pending: string[] = [];
    await Promise.all(
      targets.map(async ({ cluster, member }) => {
        const cleanup: CleanupJob = {
          workload: job.workload,
          uid: job.uid,
          namespace: spec.namespace,
          cluster,
          kinds: dedupeKinds([...(member?.data.appliedKinds ?? []), ...manifestKinds]),
          reason: 'Deleted',
        };
        try {
          await this.clean(cleanup);
          cleaned.push(cluster);
        } catch (error) {
          const reason = classifyMemberError(error, this.config.memberRequestTimeoutMs).reason;
          await this.markPending(cleanup, reason);
          await this.queues.add(CLEANUP_QUEUE, JOB.cleanup, cleanup, { jobId: cleanupJobId(job.uid, cluster), priority: queuePriority(spec.priority), ...cleanupRetry });
          pending.push(cluster);
        }
      }),
    );

    // Forget the workload: its record, placement and member statuses, all or nothing.
    const ops: StoreOp[] = [{ type: 'delete', key: workload.key, expectedVersion: workload.version }];
    if (placement) ops.push({ type: 'delete', key: placement.key, expectedVersion: placement.version });
    for (const member of members) if (member) ops.push({ type: 'delete', key: member.key, expectedVersion: member.version });
    await this.store.transact(ops);
    await this.history.forget(job.workload);
    const { namespace, name } = splitWorkloadId(job.workload);
    const display = workloadDisplayName(namespace, name);
    await this.events.record({
      type: pending.length > 0 ? 'Warning' : 'Normal',
      reason: 'Deleted',
      message:
        `workload ${display} deleted; removed from ${cleaned.length === 0 ? 'no member' : cleaned.sort().join(', ')}` +
        (pending.length > 0 ? `; cleanup pending on ${pending.sort().join(', ')} (unreachable, retried until it answers)` : ''),
      object: { kind: 'Workload', name: display },
    });
    return { cleaned, pending };
  }

  /** One member: list every kind by uid label, delete what the hub owns there. Throws (to retry) when any list or delete fails. */
  async cleanup(job: CleanupJob): Promise<{ deleted: string[]; skipped?: string }> {
    if (job.reason === 'Moved' && (await this.placedThere(job))) return { deleted: [], skipped: 'placed there again' };
    try {
      const deleted = await this.clean(job);
      const pending = await this.store.find(cleanupKey(job.uid, job.cluster));
      if (pending) {
        await this.store.delete(pending.key, pending.version);
        const { namespace, name } = splitWorkloadId(job.workload);
        await this.events.record({
          type: 'Normal',
          reason: 'CleanupCompleted',
          message: `${job.cluster}: pending cleanup of workload ${workloadDisplayName(namespace, name)} done (${deleted.length} objects removed)`,
          object: { kind: 'Workload', name: workloadDisplayName(namespace, name) },
        });
      }
      return { deleted };
    } catch (error) {
      if (error instanceof NotFoundError && error.key.kind === CLUSTER_KIND) {
        // The cluster was deregistered: nothing left to reach. Drop the mark.
        const pending = await this.store.find(cleanupKey(job.uid, job.cluster));
        if (pending) await this.store.delete(pending.key, pending.version);
        return { deleted: [] };
      }
      await this.markPending(job, classifyMemberError(error, this.config.memberRequestTimeoutMs).reason);
      throw error;
    }
  }

  /** True when the workload (same uid) was placed on the job's cluster again after it left it: its copy there is wanted. */
  private async placedThere(job: CleanupJob): Promise<boolean> {
    const workload = await this.store.find<WorkloadRecord>(workloadKey(job.workload));
    if (!workload || workload.data.uid !== job.uid || workload.data.deletionRequestedAt) return false;
    const placement = await this.store.find<PlacementRecord>(placementKey(job.workload));
    if (!placement || placement.version <= (job.leftAtVersion ?? 0)) return false;
    return placement.data.decision.clusters.some((c) => c.name === job.cluster);
  }

  private async clean(job: CleanupJob): Promise<string[]> {
    const { client } = await this.clients.get(job.cluster);
    const listed = await Promise.all(job.kinds.map((k) => client.list(k.apiVersion, k.kind, job.namespace, `${WORKLOAD_UID_LABEL}=${job.uid}`)));
    const doomed = planPrune({ workloadUid: job.uid, desired: [], listed: listed.flat() });
    const deleted: string[] = [];
    for (const object of doomed) {
      if (await client.delete(object, object.uid)) deleted.push(`${object.kind} ${object.name}`);
    }
    this.logger.debug({ workload: job.workload, cluster: job.cluster, deleted }, 'cleaned');
    return deleted;
  }

  private async markPending(job: CleanupJob, reason: string): Promise<void> {
    const key = cleanupKey(job.uid, job.cluster);
    const current = await this.store.find<CleanupPending>(key);
    const data: CleanupPending = {
      workload: job.workload,
      uid: job.uid,
      namespace: job.namespace,
      cluster: job.cluster,
      reason: job.reason,
      since: current?.data.since ?? new Date().toISOString(),
      lastError: reason,
      kinds: job.kinds,
    };
    try {
      if (current) await this.store.put(key, data, current.version);
      else await this.store.create(key, data);
    } catch (error) {
      this.logger.warn({ err: error, workload: job.workload, cluster: job.cluster }, 'could not record the pending cleanup');
    }
  }
}

function dedupeKinds(kinds: readonly KindRef[]): KindRef[] {
  const byKey = new Map(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k]));
  return [...byKey.values()];
}
