import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Config } from '../../../../libs/config/src/index.ts';
import { Store, type VersionedRecord } from '../../../../libs/store/src/index.ts';
import {
  type MemberWorkloadStatus,
  memberStatusFromObjects,
  objectKey,
  type OverrideSet,
  planPrune,
  type PlacementRecord,
  queuePriority,
  renderForCluster,
  replicaCount,
  restoreSecretValues,
  type RenderedObject,
  WORKLOAD_UID_LABEL,
  type WorkloadRecord,
} from '../../../../libs/workloads/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { EventsService } from '../events/events.service.ts';
import { fingerprint } from './fingerprint.ts';
import type { LiveObject, MemberClient } from './member-client.ts';
import { MemberClients } from './member-clients.ts';
import { classifyMemberError } from './member-error.ts';
import type { KindRef, MemberStatusRecord } from './member-status-record.ts';
import { cleanupRetry } from './retry.ts';
import { APPLY_QUEUE, type CleanupJob, cleanupJobId, CLEANUP_QUEUE, JOB, type ReconcileJob } from './workload-jobs.ts';
import { memberStatusKey, overrideSetKey, placementKey, splitWorkloadId, workloadDisplayName, workloadKey } from './workload-keys.ts';
import { WorkloadMetrics } from './workload-metrics.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { WorkloadSecrets } from './workload-secrets.ts';

/** Follow-up reads of a copy that is not Available yet: after 100 ms, 200 ms, 400 ms, … up to the resync period. */
const FOLLOW_UPS = 14;

export interface ReconcileOutcome {
  readonly skipped?: string;
  readonly applied?: number;
  readonly drifted?: readonly string[];
  readonly pruned?: readonly string[];
  readonly available?: boolean;
}

function kindsOf(objects: readonly { apiVersion: string; kind: string }[], previous: readonly KindRef[] = []): KindRef[] {
  const byKey = new Map<string, KindRef>();
  for (const k of [...previous, ...objects]) byKey.set(`${k.apiVersion}/${k.kind}`, { apiVersion: k.apiVersion, kind: k.kind });
  return [...byKey.values()].sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

/**
 * Whether the member may hold objects of this workload that it no longer has, so that a prune
 * (a list per kind) is worth its requests: some object of the last apply there is not in this
 * one, or nothing is known of earlier applies (a first apply of generation 1 has no past).
 */
function mayHaveLeftovers(objects: readonly RenderedObject[], generation: number, previous: MemberStatusRecord | undefined): boolean {
  if (!previous) return generation > 1;
  const current = new Set(objects.map((o) => objectKey(o)));
  return Object.keys(previous.fingerprints).some((key) => !current.has(key));
}

/** A failed apply the job must not retry. */
class PermanentApplyError extends UnrecoverableError {}

const isAvailable = (status: MemberWorkloadStatus): boolean => status.conditions.some((c) => c.type === 'Available' && c.status === 'True');

/**
 * Brings one workload on one member to its placed state and reads its status back.
 * - `apply` (a new generation or placement): creates the namespace when missing, applies every
 *   object (server-side apply, field manager `flotilla`, ownership labels), then prunes objects
 *   of this workload that it no longer has, only after every list of that member succeeded.
 * - `sync` (resync and follow-ups): reads each object; one that is missing or whose hub-owned
 *   fields differ from what the last apply left is applied again (DriftRepaired event).
 * Transient member errors are thrown for BullMQ to retry with backoff; permanent ones are
 * recorded in the member status and end the job (UnrecoverableError).
 */
@Injectable()
export class ReconcileProcessor {
  private readonly logger = new Logger('Reconcile');

  constructor(
    private readonly store: Store,
    private readonly clients: MemberClients,
    private readonly queues: WorkloadQueues,
    private readonly events: EventsService,
    private readonly metrics: WorkloadMetrics,
    private readonly secrets: WorkloadSecrets,
    @Inject(HUB_CONFIG) private readonly config: Config,
  ) {}

  async process(job: ReconcileJob): Promise<ReconcileOutcome> {
    const started = performance.now();
    let result = 'ok';
    try {
      return await this.reconcile(job);
    } catch (error) {
      result = error instanceof UnrecoverableError ? 'permanent' : 'transient';
      throw error;
    } finally {
      this.metrics.applyDuration.observe({ mode: job.mode, result }, (performance.now() - started) / 1000);
    }
  }

  private async reconcile(job: ReconcileJob): Promise<ReconcileOutcome> {
    const workload = await this.store.find<WorkloadRecord>(workloadKey(job.workload));
    if (!workload) return { skipped: 'workload gone' };
    if (workload.data.deletionRequestedAt) return { skipped: 'workload being deleted' };
    if (workload.data.generation > job.generation) return { skipped: `generation ${job.generation} superseded by ${workload.data.generation}` };
    const placement = await this.store.find<PlacementRecord>(placementKey(job.workload));
    const entry = placement?.data.decision.clusters.find((c) => c.name === job.cluster);
    if (!placement || placement.data.generation !== workload.data.generation || !entry) return { skipped: 'not placed there for this generation' };

    const { spec, uid, generation } = workload.data;
    const statusKey = memberStatusKey(job.workload, job.cluster);
    const previous = await this.store.find<MemberStatusRecord>(statusKey);
    const sameCopy = previous?.data.uid === uid;
    let client: MemberClient;
    let objects: ReturnType<typeof renderForCluster>;
    try {
      const member = await this.clients.get(job.cluster);
      client = member.client;
      const sets = await this.overrideSets(spec.overrideSets);
      const withSecrets = restoreSecretValues(spec, this.secrets.open(workload.data));
      objects = renderForCluster({ spec: withSecrets, uid, generation, cluster: { name: job.cluster, labels: member.spec.labels }, replicas: entry.replicas, overrideSets: sets });
    } catch (error) {
      // An override set deleted since, or a render error: nothing a retry changes.
      await this.recordFailure(job, workload, previous, { permanent: true, reason: error instanceof Error ? error.message : 'render failed' });
      throw new PermanentApplyError(error instanceof Error ? error.message : 'render failed');
    }
    const desired = replicaCount({ manifests: objects });

    const fullApply = job.mode === 'apply' || !sameCopy || previous?.data.status.appliedGeneration !== generation;
    const fingerprints: Record<string, string> = {};
    const live: LiveObject[] = [];
    const drifted: string[] = [];
    let pruned: string[] = [];
    let appliedAt = previous?.data.status.appliedAt;
    try {
      if (fullApply) {
        await client.ensureNamespace(spec.namespace);
        // The objects of a workload do not depend on each other for apply: all at once.
        const answers = await Promise.all(objects.map((object) => client.apply(object)));
        objects.forEach((object, i) => {
          const answer = answers[i] as LiveObject;
          fingerprints[objectKey(object)] = fingerprint(object, answer);
          live.push(answer);
        });
        appliedAt = new Date().toISOString();
        if (mayHaveLeftovers(objects, generation, sameCopy ? previous?.data : undefined)) {
          pruned = await this.prune(client, uid, spec.namespace, objects, sameCopy ? previous?.data.appliedKinds : undefined);
        }
      } else {
        // An object gone may mean its namespace is gone too (deleted by hand, or the member
        // rebuilt under the same name): make sure of it once before putting anything back.
        let namespaceEnsured: Promise<void> | undefined;
        const results = await Promise.all(
          objects.map(async (object) => {
            const key = objectKey(object);
            const current = await client.read({ apiVersion: object.apiVersion, kind: object.kind, namespace: spec.namespace, name: object.metadata.name });
            const known = previous?.data.fingerprints[key];
            if (current && known !== undefined && fingerprint(object, current) === known) return { key, print: known, object: current, drift: undefined };
            if (!current) await (namespaceEnsured ??= client.ensureNamespace(spec.namespace, true));
            const answer = await client.apply(object);
            return { key, print: fingerprint(object, answer), object: answer, drift: `${object.kind} ${object.metadata.name}${current ? '' : ' (deleted)'}` };
          }),
        );
        for (const result of results) {
          fingerprints[result.key] = result.print;
          live.push(result.object);
          if (result.drift) drifted.push(result.drift);
        }
      }
    } catch (error) {
      const failure = classifyMemberError(error, this.config.memberRequestTimeoutMs);
      await this.recordFailure(job, workload, previous, failure);
      this.metrics.applyFailures.inc({ cluster: job.cluster, permanent: String(failure.permanent) });
      if (failure.permanent) throw new PermanentApplyError(failure.reason);
      throw new Error(`${job.cluster}: ${failure.reason}`, { cause: error });
    }

    const observedAt = new Date().toISOString();
    const status = memberStatusFromObjects({
      cluster: job.cluster,
      desiredReplicas: desired,
      appliedGeneration: generation,
      ...(appliedAt ? { appliedAt } : {}),
      objects: live,
      observedAt,
    });
    await this.writeStatus(statusKey, {
      workload: job.workload,
      uid,
      cluster: job.cluster,
      status,
      fingerprints,
      appliedKinds: kindsOf(objects, sameCopy ? previous?.data.appliedKinds : undefined),
    });

    if (fullApply || drifted.length > 0) await this.catchRace(job, uid, spec.namespace, objects);

    const { namespace, name } = splitWorkloadId(job.workload);
    const display = workloadDisplayName(namespace, name);
    if (drifted.length > 0) {
      this.metrics.driftRepairs.inc({ cluster: job.cluster }, drifted.length);
      await this.events.record({
        type: 'Warning',
        reason: 'DriftRepaired',
        message: `${job.cluster}: ${drifted.join(', ')} of workload ${display} changed outside the hub; put back to generation ${generation}`,
        object: { kind: 'Workload', name: display },
        actor: 'system:drift-repair',
      });
    }
    if (pruned.length > 0) {
      await this.events.record({
        type: 'Normal',
        reason: 'Pruned',
        message: `${job.cluster}: removed ${pruned.join(', ')}, no longer part of workload ${display}`,
        object: { kind: 'Workload', name: display },
      });
    }
    const available = isAvailable(status);
    // A copy becoming Available or ceasing to be is what a workload's followers wait for (the
    // GraphQL workloadStatus subscription follows the event stream): one event per change.
    if (available !== (sameCopy && previous !== undefined && isAvailable(previous.data.status))) {
      await this.events.record({
        type: available ? 'Normal' : 'Warning',
        reason: available ? 'AvailableOnCluster' : 'UnavailableOnCluster',
        message: `${job.cluster}: workload ${display} ${available ? 'is Available' : 'is no longer Available'} (${status.availableReplicas}/${status.desiredReplicas} replicas available, generation ${generation})`,
        object: { kind: 'Workload', name: display },
      });
    }
    // Follow-ups chain from an apply or a drift repair (and from each other): a plain resync sync starts none, so a
    // copy that never becomes Available is read once per resync, not by a new chain every period.
    if (!available && (job.mode === 'apply' || job.followUp !== undefined || drifted.length > 0)) await this.followUp(job, workload.data);
    return { applied: fullApply ? objects.length : drifted.length, drifted, pruned, available };
  }

  /**
   * An apply that was in flight while the workload was deleted (or moved off this cluster) may
   * have written after the cleanup ran. Read the state again after writing: if the copy is no
   * longer wanted, queue its cleanup, so nothing is left behind.
   */
  private async catchRace(job: ReconcileJob, uid: string, namespace: string, objects: readonly { apiVersion: string; kind: string }[]): Promise<void> {
    const [workload, placement] = await Promise.all([
      this.store.find<WorkloadRecord>(workloadKey(job.workload)),
      this.store.find<PlacementRecord>(placementKey(job.workload)),
    ]);
    const wanted =
      workload !== undefined &&
      workload.data.uid === uid &&
      !workload.data.deletionRequestedAt &&
      (placement?.data.decision.clusters.some((c) => c.name === job.cluster) ?? false);
    if (wanted) return;
    const reason = workload && workload.data.uid === uid && !workload.data.deletionRequestedAt ? 'Moved' : 'Deleted';
    const cleanup: CleanupJob = { workload: job.workload, uid, namespace, cluster: job.cluster, kinds: kindsOf(objects), reason };
    await this.queues.add(CLEANUP_QUEUE, JOB.cleanup, cleanup, { jobId: `${cleanupJobId(uid, job.cluster)}.race.${Date.now()}`, ...cleanupRetry });
  }

  /** Lists every kind this workload has (had) there by uid label; deletes what is no longer desired. Any failed list: nothing is deleted. */
  private async prune(client: MemberClient, uid: string, namespace: string, objects: readonly { apiVersion: string; kind: string; metadata: { name: string } }[], previousKinds: readonly KindRef[] | undefined): Promise<string[]> {
    const kinds = kindsOf(objects, previousKinds);
    const listed = await Promise.all(kinds.map((k) => client.list(k.apiVersion, k.kind, namespace, `${WORKLOAD_UID_LABEL}=${uid}`)));
    const doomed = planPrune({
      workloadUid: uid,
      desired: objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace, name: o.metadata.name })),
      listed: listed.flat(),
    });
    const removed: string[] = [];
    for (const object of doomed) {
      if (await client.delete(object, object.uid)) removed.push(`${object.kind} ${object.name}`);
    }
    return removed;
  }

  private async overrideSets(names: readonly string[]): Promise<Map<string, OverrideSet>> {
    const records = await Promise.all(names.map((n) => this.store.find<OverrideSet>(overrideSetKey(n))));
    const sets = new Map<string, OverrideSet>();
    records.forEach((r) => {
      if (r) sets.set(r.data.name, r.data);
    });
    return sets;
  }

  private async followUp(job: ReconcileJob, workload: WorkloadRecord): Promise<void> {
    const n = (job.followUp ?? 0) + 1;
    if (n > FOLLOW_UPS) return;
    const delay = Math.min(this.config.resyncPeriodMs, 100 * 2 ** (n - 1));
    await this.queues.add(
      APPLY_QUEUE,
      JOB.sync,
      { workload: job.workload, generation: job.generation, cluster: job.cluster, mode: 'sync', followUp: n } satisfies ReconcileJob,
      { jobId: `${job.workload}.g${job.generation}.${job.cluster}.f${n}.${Date.now()}`, delay, priority: queuePriority(workload.spec.priority) },
    );
  }

  private async recordFailure(job: ReconcileJob, workload: VersionedRecord<WorkloadRecord>, previous: VersionedRecord<MemberStatusRecord> | undefined, failure: { permanent: boolean; reason: string }): Promise<void> {
    const at = new Date().toISOString();
    const { namespace, name } = splitWorkloadId(job.workload);
    const sameCopy = previous?.data.uid === workload.data.uid;
    const base: MemberWorkloadStatus = sameCopy && previous
      ? previous.data.status
      : { cluster: job.cluster, desiredReplicas: 0, readyReplicas: 0, availableReplicas: 0, conditions: [] };
    const status: MemberWorkloadStatus = { ...base, lastError: { reason: failure.reason, permanent: failure.permanent, at, generation: job.generation } };
    try {
      await this.writeStatus(memberStatusKey(job.workload, job.cluster), {
        workload: job.workload,
        uid: workload.data.uid,
        cluster: job.cluster,
        status,
        fingerprints: sameCopy && previous ? previous.data.fingerprints : {},
        appliedKinds: sameCopy && previous ? previous.data.appliedKinds : [],
      });
    } catch (error) {
      this.logger.warn({ err: error, workload: job.workload, cluster: job.cluster }, 'could not record the apply failure');
    }
    if (failure.permanent) {
      const display = workloadDisplayName(namespace, name);
      await this.events.record({
        type: 'Warning',
        reason: 'ApplyFailed',
        message: `${job.cluster}: workload ${display} generation ${job.generation} refused by the member, not retried: ${failure.reason}`,
        object: { kind: 'Workload', name: display },
      });
    }
  }

  /** Last writer wins for status: re-read and retry on a concurrent write. */
  private async writeStatus(key: ReturnType<typeof memberStatusKey>, data: MemberStatusRecord): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.store.find<MemberStatusRecord>(key);
      try {
        if (current) await this.store.put(key, data, current.version);
        else await this.store.create(key, data);
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  }
}
