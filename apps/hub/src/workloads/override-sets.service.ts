import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { StaleWriteError, Store, type VersionedRecord } from '../../../../libs/store/src/index.ts';
import { OVERRIDE_SET_KIND, type OverrideSet, parseOverrideSet, WORKLOAD_KIND, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import { EventsService } from '../events/events.service.ts';
import { overrideSetKey } from './workload-keys.ts';
import { WorkloadsService } from './workloads.service.ts';

export interface OverrideSetView {
  readonly metadata: { readonly name: string; readonly version: string; readonly updatedAt: string };
  readonly spec: OverrideSet;
}

const view = (record: VersionedRecord<OverrideSet>): OverrideSetView => ({
  metadata: { name: record.data.name, version: String(record.version), updatedAt: record.updatedAt },
  spec: record.data,
});

/** Named override sets: several workloads reuse one ("prod", "test"). A change re-applies every workload that names it. */
@Injectable()
export class OverrideSetsService {
  constructor(
    private readonly store: Store,
    private readonly workloads: WorkloadsService,
    private readonly events: EventsService,
  ) {}

  async create(body: unknown): Promise<OverrideSetView> {
    const set = parseOverrideSet(body);
    return view(await this.store.create(overrideSetKey(set.name), set));
  }

  async get(name: string): Promise<OverrideSetView> {
    return view(await this.find(name));
  }

  async list(): Promise<OverrideSetView[]> {
    return (await this.store.list<OverrideSet>(OVERRIDE_SET_KIND)).map(view);
  }

  async update(name: string, body: unknown, ifMatch: number | undefined): Promise<OverrideSetView> {
    const set = parseOverrideSet(body);
    if (set.name !== name) throw new ValidationError([{ name: 'name', reason: 'must match the name in the path' }]);
    const current = await this.find(name);
    if (ifMatch !== undefined && ifMatch !== current.version) throw new StaleWriteError(current.key, ifMatch, current.version);
    const stored = await this.store.put(overrideSetKey(name), set, current.version);
    const users = await this.users(name);
    for (const workload of users) {
      await this.workloads.enqueuePlacement(workload.key.id, workload.data, 'OverrideSetChanged', `${workload.key.id}.g${workload.data.generation}.os-${name}-${stored.version}`);
    }
    await this.events.record({
      type: 'Normal',
      reason: 'OverrideSetUpdated',
      message: `override set ${name} updated; ${users.length} workloads re-applied`,
      object: { kind: 'OverrideSet', name },
    });
    return view(stored);
  }

  /** Refused (409) while a workload names the set: its next apply would fail. */
  async remove(name: string, ifMatch: number | undefined): Promise<void> {
    const current = await this.find(name);
    if (ifMatch !== undefined && ifMatch !== current.version) throw new StaleWriteError(current.key, ifMatch, current.version);
    const users = await this.users(name);
    if (users.length > 0) {
      const names = users.slice(0, 5).map((w) => `${w.data.spec.namespace}/${w.data.spec.name}`).join(', ');
      throw new ConflictException(`override set ${name} is used by ${users.length} workloads (${names}${users.length > 5 ? ', …' : ''}); remove it from them first`);
    }
    await this.store.delete(current.key, current.version);
  }

  private async find(name: string): Promise<VersionedRecord<OverrideSet>> {
    const record = await this.store.find<OverrideSet>(overrideSetKey(name));
    if (!record) throw new NotFoundException(`override set ${name} not found`);
    return record;
  }

  private async users(name: string): Promise<VersionedRecord<WorkloadRecord>[]> {
    const workloads = await this.store.list<WorkloadRecord>(WORKLOAD_KIND);
    return workloads.filter((w) => !w.data.deletionRequestedAt && w.data.spec.overrideSets.includes(name));
  }
}
