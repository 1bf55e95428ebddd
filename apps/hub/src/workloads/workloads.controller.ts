import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { singleQuery } from '../http/single-query.ts';
import type { PlacementHistoryEntry } from '../../../../libs/workloads/src/index.ts';
import { etagOf, versionFromIfMatch } from '../clusters/if-match.ts';
import type { WorkloadView } from './workload-view.ts';
import { WorkloadsService } from './workloads.service.ts';


const location = (view: WorkloadView): string => `/api/v1/namespaces/${view.metadata.namespace}/workloads/${view.metadata.name}`;

/** REST for workloads: created under /api/v1/workloads, addressed by namespace and name. */
@Controller('api/v1')
export class WorkloadsController {
  constructor(private readonly workloads: WorkloadsService) {}

  @Post('workloads')
  @HttpCode(201)
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkloadView> {
    const view = await this.workloads.create(body);
    void reply.header('location', location(view)).header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Get('workloads')
  async list(@Query('namespace') namespace: unknown, @Query('tenant') tenant: unknown, @Query('labelSelector') labelSelector: unknown): Promise<{ items: WorkloadView[] }> {
    const query = {
      ...optional('namespace', singleQuery(namespace, 'namespace')),
      ...optional('tenant', singleQuery(tenant, 'tenant')),
      ...optional('labelSelector', singleQuery(labelSelector, 'labelSelector')),
    };
    return { items: await this.workloads.list(query) };
  }

  @Get('namespaces/:namespace/workloads')
  async listInNamespace(@Param('namespace') namespace: string, @Query('labelSelector') labelSelector: unknown): Promise<{ items: WorkloadView[] }> {
    return { items: await this.workloads.list({ namespace, ...optional('labelSelector', singleQuery(labelSelector, 'labelSelector')) }) };
  }

  @Get('namespaces/:namespace/workloads/:name')
  async get(@Param('namespace') namespace: string, @Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkloadView> {
    const view = await this.workloads.get(namespace, name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Put('namespaces/:namespace/workloads/:name')
  async update(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WorkloadView> {
    const view = await this.workloads.update(namespace, name, body, versionFromIfMatch(ifMatch));
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Delete('namespaces/:namespace/workloads/:name')
  @HttpCode(202)
  async remove(@Param('namespace') namespace: string, @Param('name') name: string, @Headers('if-match') ifMatch: string | undefined): Promise<WorkloadView> {
    return this.workloads.remove(namespace, name, versionFromIfMatch(ifMatch));
  }

  @Post('namespaces/:namespace/workloads/:name/secrets/reseal')
  @HttpCode(200)
  async resealSecrets(@Param('namespace') namespace: string, @Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorkloadView> {
    const view = await this.workloads.resealSecrets(namespace, name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Get('namespaces/:namespace/workloads/:name/history')
  async history(@Param('namespace') namespace: string, @Param('name') name: string): Promise<{ items: PlacementHistoryEntry[] }> {
    return { items: await this.workloads.placementHistory(namespace, name) };
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
