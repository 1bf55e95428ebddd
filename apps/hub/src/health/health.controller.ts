import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { NotReadyError } from '../problems/not-ready-error.ts';
import { failedChecks } from './failed-checks.ts';
import { Readiness } from './readiness.ts';
import { Access } from '../auth/access.ts';
import { ApiProblems } from '../openapi/api-docs.ts';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  /** 200 while the process runs: restart me only if this fails. */
  @Access('public')
  @ApiOperation({ summary: 'Liveness' })
  @ApiResponse({ status: 200, description: 'The process runs.', content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } } } })
  @Get('livez')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  livez(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when the hub can serve (Redis answers, not shutting down), else 503 problem+json. */
  @Access('public')
  @ApiOperation({ summary: 'Readiness: Redis answers and the hub is not shutting down' })
  @ApiResponse({ status: 200, description: 'Ready; the checks.', content: { 'application/json': { schema: { type: 'object' } } } })
  @ApiProblems(503)
  @Get('readyz')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  async readyz() {
    try {
      return await this.health.check([() => this.readiness.accepting(), () => this.readiness.redisAnswers()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse();
      throw new NotReadyError(failedChecks(result), typeof result === 'object' ? (result as Record<string, unknown>) : {});
    }
  }
}
