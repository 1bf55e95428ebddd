import { byCodePoint, type Page, pageRequest, paginate, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { etagOf, versionFromIfMatch } from '../clusters/if-match.ts';
import { type OverrideSetView, OverrideSetsService } from './override-sets.service.ts';
import { Access } from '../auth/access.ts';
import { ApiAnswer, ApiCreated, ApiIfMatch, ApiJsonBody, ApiList, ApiProblems, schemaRef } from '../openapi/api-docs.ts';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

@ApiTags('override-sets')
@Controller('api/v1/override-sets')
export class OverrideSetsController {
  constructor(private readonly sets: OverrideSetsService) {}

  @Access('admin')
  @ApiOperation({ summary: 'Create an override set' })
  @ApiJsonBody('OverrideSetBody', 'The set.')
  @ApiCreated('OverrideSet', 'Stored.')
  @ApiProblems(400, 409)
  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<OverrideSetView> {
    const view = await this.sets.create(body);
    void reply.header('location', `/api/v1/override-sets/${view.metadata.name}`).header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('viewer')
  @ApiOperation({ summary: 'List override sets, by name' })
  @ApiList('OverrideSet', 'One page of override sets.')
  @Get()
  async list(@Query('limit') limit: unknown, @Query('continue') token: unknown): Promise<Page<OverrideSetView>> {
    const digest = queryDigest({ list: 'override-sets' });
    const page = pageRequest(limit, token, digest);
    const sets = [...(await this.sets.list())].sort((a, b) => byCodePoint(a.metadata.name, b.metadata.name));
    return paginate(sets, (s) => s.metadata.name, page, digest);
  }

  @Access('viewer')
  @ApiOperation({ summary: 'Read an override set' })
  @ApiAnswer(200, schemaRef('OverrideSet'), 'The set.', { etag: true })
  @ApiProblems(404)
  @Get(':name')
  async get(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<OverrideSetView> {
    const view = await this.sets.get(name);
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('admin')
  @ApiOperation({ summary: 'Replace an override set; every workload naming it is placed again' })
  @ApiJsonBody('OverrideSetBody', 'The whole set; name as in the path.')
  @ApiIfMatch()
  @ApiAnswer(200, schemaRef('OverrideSet'), 'Stored.', { etag: true })
  @ApiProblems(400, 404)
  @Put(':name')
  async update(@Param('name') name: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<OverrideSetView> {
    const view = await this.sets.update(name, body, versionFromIfMatch(ifMatch));
    void reply.header('etag', etagOf(view.metadata.version));
    return view;
  }

  @Access('admin')
  @ApiOperation({ summary: 'Delete an override set (409 while a workload names it)' })
  @ApiIfMatch()
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiProblems(400, 404)
  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name') name: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.sets.remove(name, versionFromIfMatch(ifMatch));
  }
}
