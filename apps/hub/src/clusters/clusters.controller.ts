import { type Page, pageRequest, paginate, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { singleQuery } from '../http/single-query.ts';
import { ClusterRegistry, type DeregisterResult } from './cluster-registry.ts';
import type { ClusterView } from './cluster-view.ts';
import { etagOf, versionFromIfMatch } from './if-match.ts';
import { Access } from '../auth/access.ts';
import { ApiAnswer, ApiCreated, ApiIfMatch, ApiJsonBody, ApiList, ApiProblems, ApiQueries, LABEL_SELECTOR, schemaRef } from '../openapi/api-docs.ts';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

function purgeFlag(value: unknown): boolean {
  const raw = singleQuery(value, 'purge');
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ValidationError([{ name: 'purge', reason: 'must be true or false' }]);
}

/** REST for the cluster registry: decode, call one use case, answer. */
@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly registry: ClusterRegistry) {}

  @Access('admin')
  @ApiOperation({ summary: 'Register a member cluster' })
  @ApiJsonBody('ClusterRegistration', 'The cluster and how to reach it.')
  @ApiCreated('Cluster', 'Registered.')
  @ApiProblems(400, 409)
  @Post()
  @HttpCode(201)
  async register(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClusterView> {
    const view = await this.registry.register(body);
    void reply.header('location', `/api/v1/clusters/${view.name}`).header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('viewer')
  @ApiOperation({ summary: 'List clusters, by name' })
  @ApiList('Cluster', 'One page of clusters.', { filters: [LABEL_SELECTOR] })
  @Get()
  async list(@Query('labelSelector') labelSelector: unknown, @Query('limit') limit: unknown, @Query('continue') token: unknown): Promise<Page<ClusterView>> {
    const selector = singleQuery(labelSelector, 'labelSelector');
    const digest = queryDigest({ list: 'clusters', labelSelector: selector });
    const page = pageRequest(limit, token, digest);
    return paginate(await this.registry.list(selector), (c) => c.name, page, digest);
  }

  @Access('viewer')
  @ApiOperation({ summary: 'Read a cluster' })
  @ApiAnswer(200, schemaRef('Cluster'), 'The cluster.', { etag: true })
  @ApiProblems(404)
  @Get(':name')
  async get(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClusterView> {
    const view = await this.registry.get(name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('admin')
  @ApiOperation({ summary: 'Change labels, taints or cordon' })
  @ApiJsonBody('ClusterPatch', 'The change (merge patch for labels).')
  @ApiIfMatch()
  @ApiAnswer(200, schemaRef('Cluster'), 'Changed.', { etag: true })
  @ApiProblems(400, 404)
  @Patch(':name')
  async update(
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClusterView> {
    const view = await this.registry.update(name, body, versionFromIfMatch(ifMatch));
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  /** Cordon: the cluster keeps what runs there and gets nothing new (an action for `PATCH {cordoned: true}`). */
  @Access('operator')
  @ApiOperation({ summary: 'Cordon: keep what runs there, place nothing new' })
  @ApiAnswer(200, schemaRef('Cluster'), 'Cordoned.', { etag: true })
  @ApiProblems(404)
  @Post(':name/cordon')
  @HttpCode(200)
  async cordon(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClusterView> {
    const view = await this.registry.update(name, { cordoned: true }, undefined);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('operator')
  @ApiOperation({ summary: 'Uncordon (also ends a drain)' })
  @ApiAnswer(200, schemaRef('Cluster'), 'Uncordoned.', { etag: true })
  @ApiProblems(404)
  @Post(':name/uncordon')
  @HttpCode(200)
  async uncordon(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClusterView> {
    const view = await this.registry.update(name, { cordoned: false }, undefined);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('admin')
  @ApiOperation({ summary: 'Replace the credentials (and CA bundle)' })
  @ApiJsonBody('CredentialsRotation', 'The new credentials.')
  @ApiIfMatch()
  @ApiAnswer(200, schemaRef('Cluster'), 'Rotated.', { etag: true })
  @ApiProblems(400, 404)
  @Put(':name/credentials')
  async rotateCredentials(
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClusterView> {
    const view = await this.registry.rotateCredentials(name, body, versionFromIfMatch(ifMatch));
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('admin')
  @ApiOperation({ summary: "Seal the credentials again with the key ring's current key" })
  @ApiAnswer(200, schemaRef('Cluster'), 'Resealed.', { etag: true })
  @ApiProblems(404, 503)
  @Post(':name/credentials/reseal')
  @HttpCode(200)
  async resealCredentials(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClusterView> {
    const view = await this.registry.resealCredentials(name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('admin')
  @ApiOperation({ summary: 'Deregister a cluster, optionally removing what the hub applied there' })
  @ApiQueries({ name: 'purge', description: 'Also delete every object the hub applied on the member.', schema: { type: 'boolean', default: false } })
  @ApiAnswer(200, schemaRef('Deregistration'), 'Deregistered.')
  @ApiProblems(400, 404, 502)
  @Delete(':name')
  async deregister(@Param('name') name: string, @Query('purge') purge: unknown): Promise<DeregisterResult> {
    return this.registry.deregister(name, purgeFlag(purge));
  }
}
