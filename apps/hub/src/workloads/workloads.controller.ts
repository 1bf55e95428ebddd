import { byCodePoint, type Page, pageRequest, paginate, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { singleQuery } from '../http/single-query.ts';
import type { PlacementHistoryEntry } from '../../../../libs/workloads/src/index.ts';
import { etagOf, versionFromIfMatch } from '../clusters/if-match.ts';
import type { WorkloadView } from './workload-view.ts';
import { type WorkloadQuery, WorkloadsService } from './workloads.service.ts';
import { Access } from '../auth/access.ts';
import { ApiAnswer, ApiCreated, ApiIfMatch, ApiJsonBody, ApiList, ApiProblems, LABEL_SELECTOR, schemaRef } from '../openapi/api-docs.ts';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/caller.decorator.ts';
import { TenantScope } from '../auth/tenant-scope.ts';
import type { Identity } from '../../../../libs/identity/src/index.ts';

const location = (view: WorkloadView): string => `/api/v1/namespaces/${view.metadata.namespace}/workloads/${view.metadata.name}`;

/**
 * REST for workloads: created under /api/v1/workloads, addressed by namespace and name. A caller
 * other than an admin sees and changes only the workloads of its tenants' namespaces; others
 * answer 404 as if they did not exist.
 */
@ApiTags('workloads')
@Controller('api/v1')
export class WorkloadsController {
  constructor(
    private readonly workloads: WorkloadsService,
    private readonly tenants: TenantScope,
  ) {}

  @Access('operator')
  @ApiOperation({ summary: 'Create a workload', description: 'JSON or YAML; in YAML the Workload document may be followed by its manifests as further documents (`---`).' })
  @ApiJsonBody('WorkloadBody', 'The workload: the flat shape or the Workload document.')
  @ApiCreated('Workload', 'Stored; placement is queued.')
  @ApiProblems(400, 409)
  @Post('workloads')
  @HttpCode(201)
  async create(@Body() body: unknown, @Caller() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkloadView> {
    const view = await this.workloads.create(body, caller);
    void reply.header('location', location(view)).header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('viewer')
  @ApiOperation({ summary: 'List workloads, by namespace then name' })
  @ApiList('Workload', 'One page of the workloads the caller may see.', {
    filters: [{ name: 'namespace', description: 'Only this namespace.' }, { name: 'tenant', description: 'Only this tenant.' }, LABEL_SELECTOR],
  })
  @Get('workloads')
  async list(
    @Query('namespace') namespace: unknown,
    @Query('tenant') tenant: unknown,
    @Query('labelSelector') labelSelector: unknown,
    @Query('limit') limit: unknown,
    @Query('continue') token: unknown,
    @Caller() caller: Identity,
  ): Promise<Page<WorkloadView>> {
    const query = {
      ...optional('namespace', singleQuery(namespace, 'namespace')),
      ...optional('tenant', singleQuery(tenant, 'tenant')),
      ...optional('labelSelector', singleQuery(labelSelector, 'labelSelector')),
    };
    return this.listPage(query, limit, token, caller);
  }

  @Access('viewer')
  @ApiOperation({ summary: 'List the workloads of a namespace, by name' })
  @ApiList('Workload', 'One page of the workloads of the namespace the caller may see.', { filters: [LABEL_SELECTOR] })
  @Get('namespaces/:namespace/workloads')
  async listInNamespace(
    @Param('namespace') namespace: string,
    @Query('labelSelector') labelSelector: unknown,
    @Query('limit') limit: unknown,
    @Query('continue') token: unknown,
    @Caller() caller: Identity,
  ): Promise<Page<WorkloadView>> {
    return this.listPage({ namespace, ...optional('labelSelector', singleQuery(labelSelector, 'labelSelector')) }, limit, token, caller);
  }

  @Access('viewer')
  @ApiOperation({ summary: 'Read a workload: spec, placement with diagnosis, status' })
  @ApiAnswer(200, schemaRef('Workload'), 'The workload.', { etag: true })
  @ApiProblems(404)
  @Get('namespaces/:namespace/workloads/:name')
  async get(@Param('namespace') namespace: string, @Param('name') name: string, @Caller() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkloadView> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    const view = await this.workloads.get(namespace, name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('operator')
  @ApiOperation({ summary: 'Replace a workload (a new generation when the spec changes)' })
  @ApiJsonBody('WorkloadBody', 'The whole workload, as for create; name and namespace as in the path.')
  @ApiIfMatch()
  @ApiAnswer(200, schemaRef('Workload'), 'Stored; placement is queued.', { etag: true })
  @ApiProblems(400, 404)
  @Put('namespaces/:namespace/workloads/:name')
  async update(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: Identity,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WorkloadView> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    const view = await this.workloads.update(namespace, name, body, versionFromIfMatch(ifMatch), caller);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('operator')
  @ApiOperation({ summary: 'Delete a workload: its copies are removed from the members, then the record' })
  @ApiIfMatch()
  @ApiAnswer(202, schemaRef('Workload'), 'Deletion requested (metadata.deletionRequestedAt).')
  @ApiProblems(400, 404)
  @Delete('namespaces/:namespace/workloads/:name')
  @HttpCode(202)
  async remove(@Param('namespace') namespace: string, @Param('name') name: string, @Headers('if-match') ifMatch: string | undefined, @Caller() caller: Identity): Promise<WorkloadView> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    return this.workloads.remove(namespace, name, versionFromIfMatch(ifMatch), caller);
  }

  @Access('operator')
  @ApiOperation({ summary: "Seal the workload's Secret values again with the current key" })
  @ApiAnswer(200, schemaRef('Workload'), 'Resealed.', { etag: true })
  @ApiProblems(404)
  @Post('namespaces/:namespace/workloads/:name/secrets/reseal')
  @HttpCode(200)
  async resealSecrets(@Param('namespace') namespace: string, @Param('name') name: string, @Caller() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkloadView> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    const view = await this.workloads.resealSecrets(namespace, name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('viewer')
  @ApiOperation({ summary: 'Placement history, newest first' })
  @ApiAnswer(200, { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('PlacementHistoryEntry') } }, additionalProperties: false }, 'The history.')
  @ApiProblems(404)
  @Get('namespaces/:namespace/workloads/:name/history')
  async history(@Param('namespace') namespace: string, @Param('name') name: string, @Caller() caller: Identity): Promise<{ items: PlacementHistoryEntry[] }> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    return { items: await this.workloads.placementHistory(namespace, name) };
  }

  /** One page of what the caller may see of the list, ordered by namespace, then name (the position a continue token names). */
  private async listPage(query: WorkloadQuery, limit: unknown, token: unknown, caller: Identity): Promise<Page<WorkloadView>> {
    const digest = queryDigest({ list: 'workloads', ...query });
    const page = pageRequest(limit, token, digest);
    const [views, visible] = await Promise.all([this.workloads.list(query), this.tenants.workloadFilter(caller)]);
    const sorted = views.filter((view) => visible(keyOf(view))).sort((a, b) => byCodePoint(keyOf(a), keyOf(b)));
    return paginate(sorted, keyOf, page, digest);
  }
}

/** `namespace/name`; both are DNS labels, so this orders by namespace, then name. */
const keyOf = (view: WorkloadView): string => `${view.metadata.namespace}/${view.metadata.name}`;

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
