import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type Identity, inTenant } from '../../../../libs/identity/src/index.ts';
import { CLUSTER_KIND, LabelSelectorError, matchesLabelSelector, parseLabelSelector } from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { AlreadyExistsError, StaleWriteError, Store, type StoreOp, type VersionedRecord } from '../../../../libs/store/src/index.ts';
import {
  MEMBER_STATUS_KIND,
  NAMESPACE_CLAIM_KIND,
  parseWorkload,
  parseWorkloadDocuments,
  type PlacementHistoryEntry,
  type PlacementRecord,
  queuePriority,
  SEALED_VALUE,
  type SecretValues,
  type SeparatedSecrets,
  separateSecretValues,
  WORKLOAD_KIND,
  type WorkloadRecord,
  type WorkloadSpec,
} from '../../../../libs/workloads/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { EventsService } from '../events/events.service.ts';
import type { MemberStatusRecord } from './member-status-record.ts';
import { PlacementHistory } from './placement-history.ts';
import { DELETE_JOB_ID, JOB, PLACEMENT_QUEUE, CLEANUP_QUEUE, placeJobId } from './workload-jobs.ts';
import {
  memberStatusKey,
  namespaceClaimKey,
  overrideSetKey,
  placementKey,
  workloadDisplayName,
  workloadId,
  workloadKey,
} from './workload-keys.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { WorkloadSecrets } from './workload-secrets.ts';
import { toWorkloadView, type WorkloadView } from './workload-view.ts';

/** Which tenant a namespace belongs to: claimed by the first workload created there. */
interface NamespaceClaim {
  readonly tenant: string;
  readonly claimedAt: string;
}

export interface WorkloadQuery {
  readonly namespace?: string;
  readonly tenant?: string;
  readonly labelSelector?: string;
}

/** Body of a request: one object (JSON or single-document YAML) or several YAML documents. */
function parseBody(body: unknown): WorkloadSpec {
  return Array.isArray(body) ? parseWorkloadDocuments(body) : parseWorkload(body);
}

const sameSpec = (a: WorkloadSpec, b: WorkloadSpec): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Takes the Secret values out of a parsed spec (to be sealed); a `(sealed)` value with nothing stored behind it is refused. */
function separate(spec: WorkloadSpec, previous: SecretValues = {}): SeparatedSecrets {
  const separated = separateSecretValues(spec, previous);
  if (separated.missing.length > 0) {
    throw new ValidationError(separated.missing.map((name) => ({ name, reason: `is "${SEALED_VALUE}" but no value is stored for it; send the value` })));
  }
  return separated;
}

/**
 * The workload use cases: validate, store desired state (generation + 1 on every change), enqueue
 * a placement job, answer at once. Placement, apply and cleanup happen in the workers.
 */
@Injectable()
export class WorkloadsService {
  constructor(
    private readonly store: Store,
    private readonly queues: WorkloadQueues,
    private readonly events: EventsService,
    private readonly history: PlacementHistory,
    private readonly secrets: WorkloadSecrets,
    @Inject(HUB_CONFIG) private readonly config: Config,
  ) {}

  /** Status read longer ago than this shows as Unknown. */
  get memberStatusStaleAfterMs(): number {
    return this.config.resyncPeriodMs * 3;
  }

  /** Creates a workload; `caller` (when the API creates it) must be a member of its tenant. */
  async create(body: unknown, caller?: Identity): Promise<WorkloadView> {
    const separated = separate(parseBody(body));
    const { spec } = separated;
    if (caller !== undefined && !inTenant(caller, spec.tenant)) {
      throw new ForbiddenException(`tenant: you may create workloads only for your own tenants (${caller.tenants.join(', ') || 'none'}), not ${spec.tenant}`);
    }
    await this.checkOverrideSets(spec);
    const id = workloadId(spec.namespace, spec.name);
    const uid = randomUUID();
    const sealedSecrets = this.secrets.seal(uid, separated.values);
    const record: WorkloadRecord = { uid, spec, generation: 1, createdAt: new Date().toISOString(), ...(sealedSecrets ? { sealedSecrets } : {}), ...(caller ? { changedBy: caller.subject } : {}) };
    const stored = await this.createWithClaim(id, record);
    await this.enqueuePlacement(id, record, 'Created');
    await this.events.record({
      type: 'Normal',
      reason: 'Created',
      message: `workload ${workloadDisplayName(spec.namespace, spec.name)} created (generation 1, ${spec.manifests.length} manifests, priority ${spec.priority})`,
      object: { kind: 'Workload', name: workloadDisplayName(spec.namespace, spec.name) },
      ...(caller ? { actor: caller.subject } : {}),
    });
    return toWorkloadView(stored, undefined, [], new Date(), this.memberStatusStaleAfterMs);
  }

  /**
   * Stores a new workload and, in the same transaction, claims its namespace for its tenant when
   * nobody has. Two first creates in one namespace race for the claim: the loser reads the claim
   * the winner wrote and goes on when it is its own tenant's.
   */
  private async createWithClaim(id: string, record: WorkloadRecord): Promise<VersionedRecord<WorkloadRecord>> {
    const { namespace, tenant } = record.spec;
    for (let attempt = 0; ; attempt += 1) {
      const claim = await this.store.find<NamespaceClaim>(namespaceClaimKey(namespace));
      if (claim && claim.data.tenant !== tenant) {
        throw new ConflictException(`namespace ${namespace} belongs to another tenant; choose another namespace`);
      }
      const ops: StoreOp[] = [{ type: 'create', key: workloadKey(id), data: record }];
      if (!claim) ops.push({ type: 'create', key: namespaceClaimKey(namespace), data: { tenant, claimedAt: record.createdAt } satisfies NamespaceClaim });
      try {
        const [created] = await this.store.transact(ops);
        return (created as { record: VersionedRecord<WorkloadRecord> }).record;
      } catch (error) {
        const lostClaimRace = error instanceof AlreadyExistsError && error.key.kind === NAMESPACE_CLAIM_KIND;
        if (!lostClaimRace || attempt >= 2) throw error;
      }
    }
  }

  async get(namespace: string, name: string): Promise<WorkloadView> {
    const id = workloadId(namespace, name);
    const record = await this.find(namespace, name);
    const [placement, members] = await Promise.all([this.store.find<PlacementRecord>(placementKey(id)), this.memberStatuses(id)]);
    return toWorkloadView(record, placement?.data, members, new Date(), this.memberStatusStaleAfterMs);
  }

  async list(query: WorkloadQuery): Promise<WorkloadView[]> {
    let selector;
    try {
      selector = parseLabelSelector(query.labelSelector ?? '');
    } catch (error) {
      if (error instanceof LabelSelectorError) throw new ValidationError([{ name: 'labelSelector', reason: error.message }]);
      throw error;
    }
    const [records, placements, members] = await Promise.all([
      this.store.list<WorkloadRecord>(WORKLOAD_KIND),
      this.store.list<PlacementRecord>('placement'),
      this.store.list<MemberStatusRecord>(MEMBER_STATUS_KIND),
    ]);
    const placementById = new Map(placements.map((p) => [p.key.id, p.data]));
    const membersById = new Map<string, MemberStatusRecord[]>();
    for (const m of members) membersById.set(m.data.workload, [...(membersById.get(m.data.workload) ?? []), m.data]);
    const now = new Date();
    return records
      .filter((r) => (query.namespace === undefined || r.data.spec.namespace === query.namespace) && (query.tenant === undefined || r.data.spec.tenant === query.tenant))
      .filter((r) => matchesLabelSelector(selector, r.data.spec.labels))
      .map((r) => toWorkloadView(r, placementById.get(r.key.id), membersById.get(r.key.id) ?? [], now, this.memberStatusStaleAfterMs));
  }

  /**
   * Replaces the spec. With `ifMatch` a concurrent change gives 409 (StaleWriteError); without,
   * the latest version is replaced. An identical spec changes nothing (same generation, no job).
   */
  async update(namespace: string, name: string, body: unknown, ifMatch: number | undefined, caller?: Identity): Promise<WorkloadView> {
    const parsed = parseBody(body);
    const issues: { name: string; reason: string }[] = [];
    if (parsed.namespace !== namespace) issues.push({ name: 'namespace', reason: 'must match the namespace in the path' });
    if (parsed.name !== name) issues.push({ name: 'name', reason: 'must match the name in the path' });
    const current = await this.find(namespace, name);
    const previousValues = this.secrets.open(current.data);
    const separated = separate(parsed, previousValues);
    const { spec } = separated;
    if (spec.tenant !== current.data.spec.tenant) issues.push({ name: 'tenant', reason: 'cannot change; create the workload anew under the other tenant' });
    if (issues.length > 0) throw new ValidationError(issues);
    await this.checkOverrideSets(spec);
    if (ifMatch !== undefined && ifMatch !== current.version) throw new StaleWriteError(current.key, ifMatch, current.version);
    if (current.data.deletionRequestedAt) throw new ConflictException(`workload ${workloadDisplayName(namespace, name)} is being deleted`);
    if (sameSpec(spec, current.data.spec) && JSON.stringify(separated.values) === JSON.stringify(previousValues)) return this.get(namespace, name);
    const id = workloadId(namespace, name);
    const { sealedSecrets: _old, ...rest } = current.data;
    const sealedSecrets = this.secrets.seal(current.data.uid, separated.values);
    const { changedBy: _previousChanger, ...unchanged } = rest;
    const next: WorkloadRecord = { ...unchanged, spec, generation: current.data.generation + 1, ...(sealedSecrets ? { sealedSecrets } : {}), ...(caller ? { changedBy: caller.subject } : {}) };
    await this.store.put(workloadKey(id), next, current.version);
    await this.enqueuePlacement(id, next, 'Updated');
    await this.events.record({
      type: 'Normal',
      reason: 'Updated',
      message: `workload ${workloadDisplayName(namespace, name)} updated to generation ${next.generation}`,
      object: { kind: 'Workload', name: workloadDisplayName(namespace, name) },
      ...(caller ? { actor: caller.subject } : {}),
    });
    return this.get(namespace, name);
  }

  /**
   * Asks for deletion: marks the workload and enqueues the delete job, which removes its copies
   * from every member (marking unreachable ones "cleanup pending") and then forgets it. Answers
   * with the marked workload; GET finds it until the delete job is done.
   */
  async remove(namespace: string, name: string, ifMatch: number | undefined, caller?: Identity): Promise<WorkloadView> {
    const current = await this.find(namespace, name);
    if (ifMatch !== undefined && ifMatch !== current.version) throw new StaleWriteError(current.key, ifMatch, current.version);
    const id = workloadId(namespace, name);
    let record = current;
    if (!current.data.deletionRequestedAt) {
      record = await this.store.put(workloadKey(id), { ...current.data, deletionRequestedAt: new Date().toISOString() }, current.version);
      await this.events.record({
        type: 'Normal',
        reason: 'DeletionRequested',
        message: `workload ${workloadDisplayName(namespace, name)} is being deleted from every member`,
        object: { kind: 'Workload', name: workloadDisplayName(namespace, name) },
        ...(caller ? { actor: caller.subject } : {}),
      });
    }
    await this.queues.add(CLEANUP_QUEUE, JOB.delete, { workload: id, uid: record.data.uid }, { jobId: DELETE_JOB_ID(id, record.data.uid), priority: queuePriority(record.data.spec.priority) });
    const [placement, members] = await Promise.all([this.store.find<PlacementRecord>(placementKey(id)), this.memberStatuses(id)]);
    return toWorkloadView(record, placement?.data, members, new Date(), this.memberStatusStaleAfterMs);
  }

  /**
   * Seals the workload's Secret values again with the active key (after a key rotation). The
   * spec and generation do not change; nothing is applied again.
   */
  async resealSecrets(namespace: string, name: string): Promise<WorkloadView> {
    const current = await this.find(namespace, name);
    if (this.secrets.needsReseal(current.data)) {
      const sealedSecrets = this.secrets.seal(current.data.uid, this.secrets.open(current.data));
      await this.store.put(current.key, { ...current.data, ...(sealedSecrets ? { sealedSecrets } : {}) }, current.version);
    }
    return this.get(namespace, name);
  }

  /** Newest first: which generation went where, when, and why. */
  async placementHistory(namespace: string, name: string): Promise<PlacementHistoryEntry[]> {
    await this.find(namespace, name);
    return this.history.read(workloadId(namespace, name));
  }

  /** Enqueues the placement of the record's generation (deduplicated by job id). */
  async enqueuePlacement(id: string, record: WorkloadRecord, reason: string, jobId = placeJobId(id, record.generation)): Promise<void> {
    await this.queues.add(PLACEMENT_QUEUE, JOB.place, { workload: id, generation: record.generation, reason }, { jobId, priority: queuePriority(record.spec.priority) });
  }

  private async find(namespace: string, name: string): Promise<VersionedRecord<WorkloadRecord>> {
    const record = await this.store.find<WorkloadRecord>(workloadKey(workloadId(namespace, name)));
    if (!record) throw new NotFoundException(`workload ${workloadDisplayName(namespace, name)} not found`);
    return record;
  }

  private async memberStatuses(id: string): Promise<MemberStatusRecord[]> {
    const clusters = await this.store.list(CLUSTER_KIND);
    const found = await Promise.all(clusters.map((c) => this.store.find<MemberStatusRecord>(memberStatusKey(id, c.key.id))));
    return found.flatMap((r) => (r ? [r.data] : []));
  }

  private async checkOverrideSets(spec: WorkloadSpec): Promise<void> {
    const found = await Promise.all(spec.overrideSets.map((name) => this.store.find(overrideSetKey(name))));
    const issues = found.flatMap((record, i) => (record ? [] : [{ name: `overrideSets[${i}]`, reason: 'no override set of that name exists' }]));
    if (issues.length > 0) throw new ValidationError(issues);
  }
}
