import { Injectable, NotFoundException } from '@nestjs/common';
import { Store } from '../../../../libs/store/src/index.ts';
import { type Identity, inTenant } from '../../../../libs/identity/src/index.ts';
import { NAMESPACE_CLAIM_KIND } from '../../../../libs/workloads/src/index.ts';
import type { FlotillaEvent } from '../../../../libs/events/src/index.ts';

/** Namespaces a caller may see: every one (admin), or those claimed by its tenants. */
export type VisibleNamespaces = { readonly all: true } | { readonly all: false; readonly namespaces: ReadonlySet<string> };

/**
 * Tenant isolation. A namespace belongs to the tenant of the first workload created in it (its
 * claim), so what a caller may see of workloads, their events and their failover state follows
 * from the namespaces its tenants claimed. What it may not see answers as if it did not exist.
 */
@Injectable()
export class TenantScope {
  constructor(private readonly store: Store) {}

  async visibleNamespaces(identity: Identity): Promise<VisibleNamespaces> {
    if (identity.role === 'admin') return { all: true };
    const claims = await this.store.list<{ tenant: string }>(NAMESPACE_CLAIM_KIND);
    return { all: false, namespaces: new Set(claims.filter((c) => inTenant(identity, c.data.tenant)).map((c) => c.key.id)) };
  }

  /** A filter of `namespace/name` workload names (and events about them) for `identity`. */
  async workloadFilter(identity: Identity): Promise<(namespacedName: string) => boolean> {
    const visible = await this.visibleNamespaces(identity);
    if (visible.all) return () => true;
    return (namespacedName) => visible.namespaces.has(namespacedName.split('/', 1)[0] ?? '');
  }

  /** A filter of events for `identity`: events about workloads outside its tenants are left out, cluster events are for all; undefined for an admin. */
  async eventFilter(identity: Identity): Promise<((event: FlotillaEvent) => boolean) | undefined> {
    if (identity.role === 'admin') return undefined;
    const workload = await this.workloadFilter(identity);
    return (event) => event.object.kind !== 'Workload' || workload(event.object.name);
  }

  /** 404, as for a workload that does not exist, unless `identity` may see the namespace's workloads. */
  async assertWorkloadVisible(identity: Identity, namespace: string, name: string): Promise<void> {
    if (identity.role === 'admin') return;
    const claim = await this.store.find<{ tenant: string }>({ kind: NAMESPACE_CLAIM_KIND, id: namespace });
    if (!claim || !inTenant(identity, claim.data.tenant)) throw new NotFoundException(`workload ${namespace}/${name} not found`);
  }
}
