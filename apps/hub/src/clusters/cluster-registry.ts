import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  applyClusterPatch,
  CLUSTER_KIND,
  CLUSTER_STATUS_KIND,
  type ClusterRecord,
  type ClusterSpec,
  type ClusterStatus,
  type LabelSelector,
  LabelSelectorError,
  type ManagedObjectRef,
  matchesLabelSelector,
  parseClusterPatch,
  parseCredentialsRotation,
  parseLabelSelector,
  parseRegistration,
} from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import type { NewEvent } from '../../../../libs/events/src/index.ts';
import { type RecordKey, StaleWriteError, Store, type StoreOp, type VersionedRecord } from '../../../../libs/store/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { EventsService } from '../events/events.service.ts';
import { ClusterAccessReader } from './cluster-access-reader.ts';
import { type ClusterView, toClusterView } from './cluster-view.ts';
import { MEMBER_PURGER, type MemberPurger } from './member-purger.ts';
import { STATUS_STALE_AFTER_MS } from './status-stale-after.ts';

/**
 * Read-modify-write attempts before a busy record's conflict is handed to the client (409). Each
 * round lets at least one of the competing writers through, so n concurrent writers need up to n
 * attempts; the backoff between them is short and jittered so they don't collide in lockstep.
 */
const WRITE_ATTEMPTS = 10;
const backoffMs = (attempt: number): number => Math.random() * Math.min(100, 5 * 2 ** attempt);

export interface DeregisterResult {
  readonly name: string;
  /** Whether objects the hub applied were removed from the member. */
  readonly purged: boolean;
  /** What the purge deleted (empty without purge). */
  readonly deleted: readonly ManagedObjectRef[];
}

const clusterKey = (name: string): RecordKey => ({ kind: CLUSTER_KIND, id: name });
const statusKey = (name: string): RecordKey => ({ kind: CLUSTER_STATUS_KIND, id: name });

/** Names the spec fields a change touched, for the Updated event. */
function describeChange(before: ClusterSpec, after: ClusterSpec): string[] {
  const changes: string[] = [];
  const keys = new Set([...Object.keys(before.labels), ...Object.keys(after.labels)]);
  for (const key of [...keys].sort()) {
    const was = before.labels[key];
    const now = after.labels[key];
    if (was === now) continue;
    changes.push(now === undefined ? `label ${key} removed` : `label ${key}=${now}`);
  }
  if (JSON.stringify(before.taints) !== JSON.stringify(after.taints)) changes.push(`taints: ${after.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || 'none'}`);
  if (before.cordoned !== after.cordoned) changes.push(after.cordoned ? 'cordoned' : 'uncordoned');
  return changes;
}

/**
 * The cluster registry's use cases: register, read, list, update, rotate credentials and
 * deregister. Input is checked by libs/clusters (which throws ValidationError); concurrency is the
 * store's (StaleWriteError); credentials are sealed before they are stored and never leave here
 * except through ClusterAccessReader.
 */
@Injectable()
export class ClusterRegistry {
  private readonly logger = new Logger(ClusterRegistry.name);

  constructor(
    private readonly store: Store,
    private readonly access: ClusterAccessReader,
    private readonly events: EventsService,
    @Inject(HUB_CONFIG) private readonly config: Config,
    @Inject(MEMBER_PURGER) private readonly purger: MemberPurger,
    @Inject(STATUS_STALE_AFTER_MS) private readonly staleAfterMs: number,
  ) {}

  async register(body: unknown): Promise<ClusterView> {
    const { spec, credentials } = parseRegistration(body, { allowInsecureHttp: this.config.allowInsecureHttp });
    const now = new Date().toISOString();
    const record: ClusterRecord = {
      spec,
      credentials: this.access.seal(spec.name, credentials),
      credentialType: credentials.type,
      createdAt: now,
      credentialsRotatedAt: now,
    };
    const stored = await this.retryOnConflict(async () => {
      // A status left by an earlier registration of this name must not show as this one's.
      const leftover = await this.store.find(statusKey(spec.name));
      const ops: StoreOp[] = [{ type: 'create', key: clusterKey(spec.name), data: record }];
      if (leftover) ops.push({ type: 'delete', key: leftover.key, expectedVersion: leftover.version });
      const [created] = await this.store.transact(ops);
      return (created as { record: VersionedRecord<ClusterRecord> }).record;
    });
    await this.recordEvent({
      type: 'Normal',
      reason: 'Registered',
      message: `cluster ${spec.name} registered at ${spec.server} with ${credentials.type} credentials (sealed with key ${record.credentials.keyId})`,
      object: { kind: 'Cluster', name: spec.name },
    });
    return this.view(stored, undefined);
  }

  async get(name: string): Promise<ClusterView> {
    const record = await this.store.get<ClusterRecord>(clusterKey(name));
    const status = await this.store.find<ClusterStatus>(statusKey(name));
    return this.view(record, status?.data);
  }

  /** Every cluster whose labels match `labelSelector` (Kubernetes syntax), ordered by name. */
  async list(labelSelector: string | undefined): Promise<ClusterView[]> {
    let selector: LabelSelector;
    try {
      selector = parseLabelSelector(labelSelector ?? '');
    } catch (error) {
      if (error instanceof LabelSelectorError) throw new ValidationError([{ name: 'labelSelector', reason: error.message }], `invalid labelSelector: ${error.message}`);
      throw error;
    }
    const [records, statuses] = await Promise.all([
      this.store.list<ClusterRecord>(CLUSTER_KIND),
      this.store.list<ClusterStatus>(CLUSTER_STATUS_KIND),
    ]);
    const statusByName = new Map(statuses.map((status) => [status.key.id, status.data]));
    return records
      .filter((record) => matchesLabelSelector(selector, record.data.spec.labels))
      .map((record) => this.view(record, statusByName.get(record.key.id)));
  }

  /**
   * Applies a change to labels, zone/region/provider, taints or cordon. With an expected version
   * (If-Match or metadata.version) a concurrent change makes it fail with StaleWriteError;
   * without one it is re-applied to the latest version.
   */
  async update(name: string, body: unknown, ifMatch: number | undefined): Promise<ClusterView> {
    const patch = parseClusterPatch(body);
    if (ifMatch !== undefined && patch.expectedVersion !== undefined && ifMatch !== patch.expectedVersion) {
      throw new ValidationError([{ name: 'metadata.version', reason: 'differs from the If-Match header; give one of them' }]);
    }
    const expected = ifMatch ?? patch.expectedVersion;
    let changes: string[] = [];
    const stored = await this.retryOnConflict(async () => {
      const current = await this.store.get<ClusterRecord>(clusterKey(name));
      if (expected !== undefined && current.version !== expected) throw new StaleWriteError(current.key, expected, current.version);
      const spec = applyClusterPatch(current.data.spec, patch);
      changes = describeChange(current.data.spec, spec);
      if (changes.length === 0) return current;
      return this.store.put<ClusterRecord>(current.key, { ...current.data, spec }, current.version);
    }, expected === undefined);
    if (changes.length > 0) {
      await this.recordEvent({ type: 'Normal', reason: 'Updated', message: `cluster ${name} updated: ${changes.join('; ')}`, object: { kind: 'Cluster', name } });
    }
    return this.view(stored, (await this.store.find<ClusterStatus>(statusKey(name)))?.data);
  }

  /** Replaces the credentials (and the CA bundle when given), sealed with the active key. Status is kept. */
  async rotateCredentials(name: string, body: unknown, ifMatch: number | undefined): Promise<ClusterView> {
    const first = await this.store.get<ClusterRecord>(clusterKey(name));
    const rotation = parseCredentialsRotation(body, first.data.spec.server, { allowInsecureHttp: this.config.allowInsecureHttp });
    const sealed = this.access.seal(name, rotation.credentials);
    const stored = await this.retryOnConflict(async () => {
      const current = await this.store.get<ClusterRecord>(clusterKey(name));
      if (ifMatch !== undefined && current.version !== ifMatch) throw new StaleWriteError(current.key, ifMatch, current.version);
      const { caBundle: _dropped, ...specWithoutCa } = current.data.spec;
      const spec: ClusterSpec = rotation.replacesCaBundle
        ? { ...specWithoutCa, ...(rotation.caBundle === undefined ? {} : { caBundle: rotation.caBundle }) }
        : current.data.spec;
      const record: ClusterRecord = {
        ...current.data,
        spec,
        credentials: sealed,
        credentialType: rotation.credentials.type,
        credentialsRotatedAt: new Date().toISOString(),
      };
      return this.store.put<ClusterRecord>(current.key, record, current.version);
    }, ifMatch === undefined);
    await this.recordEvent({
      type: 'Normal',
      reason: 'CredentialsRotated',
      message: `credentials of cluster ${name} replaced (${rotation.credentials.type}${rotation.replacesCaBundle ? ', new CA bundle' : ''}), sealed with key ${sealed.keyId}`,
      object: { kind: 'Cluster', name },
    });
    return this.view(stored, (await this.store.find<ClusterStatus>(statusKey(name)))?.data);
  }

  /**
   * Seals the stored credentials again with the active key, when an older key sealed them: the
   * step of a key rotation that lets the old key leave the ring. Credentials and
   * credentialsRotatedAt are unchanged; a no-op when the active key sealed them already.
   */
  async resealCredentials(name: string): Promise<ClusterView> {
    let from: string | undefined;
    const stored = await this.retryOnConflict(async () => {
      const current = await this.store.get<ClusterRecord>(clusterKey(name));
      if (!this.access.needsReseal(current.data)) return current;
      from = current.data.credentials.keyId;
      const credentials = this.access.open(current.data).credentials;
      const record: ClusterRecord = { ...current.data, credentials: this.access.seal(name, credentials) };
      return this.store.put<ClusterRecord>(current.key, record, current.version);
    });
    if (from !== undefined) {
      await this.recordEvent({
        type: 'Normal',
        reason: 'CredentialsResealed',
        message: `credentials of cluster ${name} sealed again with key ${this.access.activeKeyId} (were sealed with ${from})`,
        object: { kind: 'Cluster', name },
      });
    }
    return this.view(stored, (await this.store.find<ClusterStatus>(statusKey(name)))?.data);
  }

  /**
   * Removes the registration and its status. With `purge`, first deletes from the member every
   * object the hub applied there; if the member cannot be listed completely, or a delete fails,
   * this throws and the registration stays.
   */
  async deregister(name: string, purge: boolean): Promise<DeregisterResult> {
    const record = await this.store.get<ClusterRecord>(clusterKey(name));
    const deleted = purge ? await this.purger.purge(this.access.open(record.data)) : [];
    await this.retryOnConflict(async () => {
      const current = await this.store.get<ClusterRecord>(clusterKey(name));
      const status = await this.store.find(statusKey(name));
      const ops: StoreOp[] = [{ type: 'delete', key: current.key, expectedVersion: current.version }];
      if (status) ops.push({ type: 'delete', key: status.key, expectedVersion: status.version });
      await this.store.transact(ops);
    });
    await this.recordEvent({
      type: 'Normal',
      reason: 'Deregistered',
      message: purge
        ? `cluster ${name} deregistered; purged ${deleted.length} object(s) the hub had applied there`
        : `cluster ${name} deregistered; objects the hub applied there were left in place`,
      object: { kind: 'Cluster', name },
    });
    return { name, purged: purge, deleted };
  }

  private view(record: VersionedRecord<ClusterRecord>, status: ClusterStatus | undefined): ClusterView {
    return toClusterView(record, status, new Date(), this.staleAfterMs);
  }

  /** Runs a read-modify-write again when another writer came first (unless the caller pinned a version). */
  private async retryOnConflict<T>(attempt: () => Promise<T>, retry = true): Promise<T> {
    for (let i = 1; ; i += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof StaleWriteError) || !retry || i >= WRITE_ATTEMPTS) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(i)));
    }
  }

  /** Events are the record of what happened, but the change is done: a failed event must not fail it. */
  private async recordEvent(event: NewEvent): Promise<void> {
    try {
      await this.events.record(event);
    } catch (error) {
      this.logger.warn({ err: error, reason: event.reason, cluster: event.object.name }, 'could not record an event');
    }
  }
}
