import { collectPageRequest, type Page, pageFromRead, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Controller, Get, Header, Query } from '@nestjs/common';
import type { AuditOutcome, AuditRecord, ChainVerdict } from '../../../../libs/audit/src/index.ts';
import { type InvalidParam, ValidationError } from '../../../../libs/errors/src/index.ts';
import { AuditLog, type AuditQuery } from './audit-log.ts';
import { Access } from '../auth/access.ts';
import { ApiAnswer, ApiList, type QueryFilter, schemaRef } from '../openapi/api-docs.ts';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';

const OUTCOMES: readonly AuditOutcome[] = ['Succeeded', 'Denied', 'Failed'];

const AUDIT_FILTERS: QueryFilter[] = [
  { name: 'actor', description: 'Only records of this subject.' },
  { name: 'action', description: 'Only this action, e.g. `POST /api/v1/workloads`.' },
  { name: 'outcome', description: 'Only this outcome.', schema: { type: 'string', enum: OUTCOMES } },
  { name: 'kind', description: 'Only records about objects of this kind.' },
  { name: 'name', description: 'Only records about this object.' },
  { name: 'since', description: 'Not before this UTC time, e.g. 2026-11-28T08:00:00Z.', schema: { type: 'string', format: 'date-time' } },
  { name: 'until', description: 'Not after this UTC time.', schema: { type: 'string', format: 'date-time' } },
];

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** The audit trail: filtered reads, the chain's verification, and an export as JSON lines. */
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  /** GET /api/v1/audit?actor=&action=&outcome=&kind=&name=&since=&until=&limit=&continue= (newest first). */
  @Access('admin')
  @ApiOperation({ summary: 'Audit records, newest first' })
  @ApiList('AuditRecord', 'One page of records.', { defaultLimit: 100, filters: AUDIT_FILTERS })
  @Get()
  async list(
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('outcome') outcome?: string,
    @Query('kind') kind?: string,
    @Query('name') name?: string,
    @Query('since') since?: string,
    @Query('until') until?: string,
    @Query('limit') limit?: string,
    @Query('continue') token?: string,
  ): Promise<Page<AuditRecord>> {
    const invalid: InvalidParam[] = [];
    for (const [field, value] of [['since', since], ['until', until]] as const) {
      if (value !== undefined && !TIME.test(value)) invalid.push({ name: `query.${field}`, reason: 'must be a UTC time such as 2026-11-28T08:00:00Z' });
    }
    for (const [field, value] of [['actor', actor], ['action', action], ['kind', kind], ['name', name]] as const) {
      if (value !== undefined && (value.length === 0 || value.length > 256)) invalid.push({ name: `query.${field}`, reason: 'must be 1 to 256 characters' });
    }
    if (outcome !== undefined && !OUTCOMES.includes(outcome as AuditOutcome)) invalid.push({ name: 'query.outcome', reason: `must be one of ${OUTCOMES.join(', ')}` });
    const digest = queryDigest({ list: 'audit', actor, action, outcome, kind, name, since, until });
    const page = collectPageRequest(invalid, limit, token, digest, 100);
    if (page.after !== undefined && !/^\d{1,15}$/.test(page.after)) invalid.push({ name: 'query.continue', reason: 'is not a continue token this hub gave' });
    if (invalid.length > 0) throw new ValidationError(invalid);
    const query: AuditQuery = { limit: page.limit + 1, ...(page.after === undefined ? {} : { beforeSeq: Number(page.after) }), ...(actor ? { actor } : {}), ...(action ? { action } : {}), ...(outcome ? { outcome: outcome as AuditOutcome } : {}), ...(kind ? { kind } : {}), ...(name ? { name } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) };
    return pageFromRead(await this.audit.list(query), (r) => String(r.seq), page, digest);
  }

  /** Verifies every kept record against its hash and its predecessor; names the first broken link. */
  @Access('admin')
  @ApiOperation({ summary: 'Verify the hash chain of every kept record' })
  @ApiAnswer(200, schemaRef('AuditVerdict'), 'The verdict; the first broken link when there is one.')
  @Get('verify')
  async verify(): Promise<ChainVerdict & { head?: number }> {
    return this.audit.verify();
  }

  /** Every kept record, oldest first, one JSON object per line. */
  @Access('admin')
  @ApiOperation({ summary: 'Every kept record, oldest first, as JSON lines' })
  @ApiProduces('application/x-ndjson')
  @ApiResponse({ status: 200, description: 'One AuditRecord per line.', content: { 'application/x-ndjson': { schema: { type: 'string' } } } })
  @Get('export')
  @Header('content-type', 'application/x-ndjson')
  async export(): Promise<string> {
    const lines: string[] = [];
    for await (const page of this.audit.all()) for (const r of page) lines.push(JSON.stringify(r));
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }
}
