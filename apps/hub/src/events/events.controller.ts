import { collectPageRequest, type Page, pageFromRead, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Controller, Get, Query } from '@nestjs/common';
import { ValidationError, type InvalidParam } from '../../../../libs/errors/src/index.ts';
import type { FlotillaEvent } from '../../../../libs/events/src/index.ts';
import { EventsService } from './events.service.ts';
import { Access } from '../auth/access.ts';
import { ApiList } from '../openapi/api-docs.ts';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/caller.decorator.ts';
import { TenantScope } from '../auth/tenant-scope.ts';
import type { Identity } from '../../../../libs/identity/src/index.ts';

// A cluster name, or `<namespace>/<name>` of a workload.
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,252})?$/;

/** GET /api/v1/events?kind=Cluster&name=member-a&limit=100&continue= (or kind=Workload&name=shop/web): newest first. */
@ApiTags('events')
@Controller('api/v1/events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly tenants: TenantScope,
  ) {}

  @Access('viewer')
  @ApiOperation({ summary: 'Events, newest first' })
  @ApiList('Event', 'One page of events the caller may see.', {
    defaultLimit: 100,
    filters: [
      { name: 'kind', description: 'Only events about objects of this kind, e.g. Cluster, Workload.' },
      { name: 'name', description: 'Only events about this object (with kind): a cluster name, or `namespace/name` of a workload.' },
    ],
  })
  @Get()
  async list(
    @Query('kind') kind: string | undefined,
    @Query('name') name: string | undefined,
    @Query('limit') limit: unknown,
    @Query('continue') token: unknown,
    @Caller() caller: Identity,
  ): Promise<Page<FlotillaEvent>> {
    const invalid: InvalidParam[] = [];
    if (kind !== undefined && !/^[A-Z][A-Za-z]{0,62}$/.test(kind)) invalid.push({ name: 'query.kind', reason: 'must be a kind such as Cluster' });
    if (name !== undefined && !NAME.test(name)) invalid.push({ name: 'query.name', reason: 'must be an object name' });
    if (name !== undefined && kind === undefined) invalid.push({ name: 'query.kind', reason: 'is required with query.name' });
    const digest = queryDigest({ list: 'events', kind, name });
    const page = collectPageRequest(invalid, limit, token, digest, 100);
    if (page.after !== undefined && !STREAM_ID.test(page.after)) invalid.push({ name: 'query.continue', reason: 'is not a continue token this hub gave' });
    if (invalid.length > 0) throw new ValidationError(invalid);
    const visible = await this.tenants.eventFilter(caller);
    const read = await this.events.list({ kind, name, limit: page.limit + 1, ...(page.after === undefined ? {} : { before: page.after }), ...(visible ? { visible } : {}) });
    return pageFromRead(read, (e) => e.id, page, digest);
  }
}
