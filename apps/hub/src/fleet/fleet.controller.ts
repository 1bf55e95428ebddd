import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type InvalidParam, ValidationError } from '../../../../libs/errors/src/index.ts';
import { collectFleetQuery, type FleetError, type FleetItem, fleetItemKey, kindId } from '../../../../libs/fleet-reads/src/index.ts';
import type { Identity } from '../../../../libs/identity/src/index.ts';
import { collectPageRequest, type Page, paginate, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Access } from '../auth/access.ts';
import { Caller } from '../auth/caller.decorator.ts';
import { ApiAnswer, ApiProblems, ApiQueries, LABEL_SELECTOR, schemaRef } from '../openapi/api-docs.ts';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../../../libs/paging/src/index.ts';
import { TenantScope } from '../auth/tenant-scope.ts';
import { FleetCaches } from './fleet-caches.ts';
import { FleetReads } from './fleet-reads.ts';
import type { WatchCacheState } from './member-watch-cache.ts';

/** One page of a cross-cluster list, and the clusters that failed or may be old. */
export interface FleetPage extends Page<FleetItem> {
  readonly errors: readonly FleetError[];
}

/** One watch cache, as `GET /api/v1/fleet/caches` shows it. */
export interface WatchCacheView {
  readonly cluster: string;
  readonly kind: string;
  readonly state: WatchCacheState;
  readonly objects: number;
  readonly bytes: number;
  readonly currentAt?: string;
  readonly lastError?: string;
}

const PARAMS = ['apiVersion', 'kind', 'namespace', 'name', 'labelSelector', 'cluster'] as const;

/** Cross-cluster reads: member objects of one kind across the fleet, each tagged with its cluster. */
@ApiTags('fleet')
@Controller('api/v1/fleet')
export class FleetController {
  constructor(
    private readonly reads: FleetReads,
    private readonly caches: FleetCaches,
    private readonly tenants: TenantScope,
  ) {}

  @Access('viewer')
  @ApiOperation({ summary: 'Member objects of one kind across every cluster, merged: from watch caches, or read live within a timeout per member' })
  @ApiQuery({ name: 'apiVersion', required: true, description: 'e.g. `apps/v1`, `v1`.', schema: { type: 'string' } })
  @ApiQuery({ name: 'kind', required: true, description: 'e.g. `Deployment`. `Secret` is refused: read Secrets through the member proxy.', schema: { type: 'string' } })
  @ApiQueries(
    { name: 'namespace', description: 'Only this namespace.' },
    { name: 'name', description: 'Only objects of this name (one per cluster that has it).' },
    LABEL_SELECTOR,
    { name: 'cluster', description: 'Only these clusters, comma-separated.' },
    { name: 'limit', description: `Page size, 1 to ${MAX_LIMIT}.`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
    { name: 'continue', description: 'The `metadata.continue` of the previous page; give the same filters again.' },
  )
  @ApiAnswer(200, schemaRef('FleetPage'), 'One page of the merged list (namespace, name, then cluster), and an entry per cluster that failed or may be old.')
  @ApiProblems(400)
  @Get('objects')
  async list(@Query() query: Record<string, unknown>, @Caller() caller: Identity): Promise<FleetPage> {
    const invalid: InvalidParam[] = [];
    const raw = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined || typeof value === 'string') return value;
      invalid.push({ name: `query.${name}`, reason: 'must be given once' });
      return undefined;
    };
    const fleetQuery = collectFleetQuery(invalid, raw);
    const digest = queryDigest({ list: 'fleet-objects', ...Object.fromEntries(PARAMS.map((name) => [name, raw(name)])) });
    const page = collectPageRequest(invalid, raw('limit'), raw('continue'), digest);
    if (invalid.length > 0 || fleetQuery === undefined) throw new ValidationError(invalid);
    const read = await this.reads.read(fleetQuery, await this.tenants.visibleNamespaces(caller));
    return { ...paginate(read.items, fleetItemKey, page, digest), errors: read.errors };
  }

  @Access('viewer')
  @ApiOperation({ summary: "This hub's watch caches: state, size, when last current" })
  @ApiAnswer(200, { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('WatchCache') } }, additionalProperties: false }, 'Every watch cache of the hub that answers, by cluster and kind.')
  @Get('caches')
  listCaches(): { items: WatchCacheView[] } {
    const items = this.caches
      .all()
      .map((cache) => ({
        cluster: cache.cluster,
        kind: kindId(cache.kind),
        state: cache.state,
        objects: cache.size,
        bytes: cache.bytes,
        ...(cache.currentAt === undefined ? {} : { currentAt: new Date(cache.currentAt).toISOString() }),
        ...(cache.lastError === undefined ? {} : { lastError: cache.lastError }),
      }))
      .sort((a, b) => (a.cluster === b.cluster ? (a.kind < b.kind ? -1 : 1) : a.cluster < b.cluster ? -1 : 1));
    return { items };
  }
}
