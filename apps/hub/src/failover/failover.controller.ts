import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { type ClusterFence, type DrainView, type FailoverView, FailoverOperator, type WorkloadFailoverOverride } from './failover-operator.ts';
import { Access } from '../auth/access.ts';
import { ApiAnswer, ApiJsonBody, ApiProblems, schemaRef } from '../openapi/api-docs.ts';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller } from '../auth/caller.decorator.ts';
import { TenantScope } from '../auth/tenant-scope.ts';
import type { Identity } from '../../../../libs/identity/src/index.ts';

/** Stands for a workload of another tenant where the failover state names one (the cause of a preemption). */
const OTHER_TENANT = '(another tenant)';

/**
 * The failover controller's state, and the operator's say in it. Clusters are for everyone;
 * what concerns workloads is shown and changed only within the caller's tenants.
 */
@ApiTags('failover')
@Controller('api/v1')
export class FailoverApiController {
  constructor(
    private readonly operator: FailoverOperator,
    private readonly tenants: TenantScope,
  ) {}

  @Access('viewer')
  @ApiOperation({ summary: "The failover controller's state: guard, cluster health, displacements, operator decisions" })
  @ApiAnswer(200, schemaRef('Failover'), 'The state, within the caller\'s tenants.')
  @Get('failover')
  async view(@Caller() caller: Identity): Promise<FailoverView> {
    const view = await this.operator.view();
    if (caller.role === 'admin') return view;
    const visible = await this.tenants.workloadFilter(caller);
    return {
      ...view,
      workloads: Object.fromEntries(
        Object.entries(view.workloads)
          .filter(([name]) => visible(name))
          .map(([name, record]) => [name, { ...record, preempted: record.preempted.map((p) => ({ ...p, by: visible(p.by) ? p.by : OTHER_TENANT })) }]),
      ),
      overrides: view.overrides.filter((o) => visible(o.workload)),
    };
  }

  @Access('operator')
  @ApiOperation({ summary: 'Declare a cluster fenced: its old copies cannot be running' })
  @ApiAnswer(200, schemaRef('ClusterFence'), 'Fenced.')
  @ApiProblems(404)
  @Post('clusters/:name/fence')
  @HttpCode(200)
  async fence(@Param('name') name: string, @Caller() caller: Identity): Promise<ClusterFence> {
    return this.operator.fence(name, caller.subject);
  }

  @Access('operator')
  @ApiOperation({ summary: 'Lift a fence' })
  @ApiResponse({ status: 204, description: 'Lifted.' })
  @Delete('clusters/:name/fence')
  @HttpCode(204)
  async unfence(@Param('name') name: string, @Caller() caller: Identity): Promise<void> {
    await this.operator.unfence(name, caller.subject);
  }

  /** Cordon the cluster and move everything on it elsewhere (planned failover); 202 with the drain's progress. */
  @Access('operator')
  @ApiOperation({ summary: 'Drain: cordon and move everything elsewhere (planned failover)' })
  @ApiAnswer(202, schemaRef('Drain'), 'Draining; the progress.')
  @ApiProblems(404)
  @Post('clusters/:name/drain')
  @HttpCode(202)
  async drain(@Param('name') name: string, @Caller() caller: Identity): Promise<DrainView> {
    return this.operator.drain(name, caller.subject);
  }

  @Access('viewer')
  @ApiOperation({ summary: "A drain's progress" })
  @ApiAnswer(200, schemaRef('Drain'), 'The progress, within the caller\'s tenants.')
  @ApiProblems(404)
  @Get('clusters/:name/drain')
  async drainView(@Param('name') name: string, @Caller() caller: Identity): Promise<DrainView> {
    const view = await this.operator.drainView(name);
    if (caller.role === 'admin') return view;
    const visible = await this.tenants.workloadFilter(caller);
    return { ...view, remaining: view.remaining.filter(visible), pinned: view.pinned.filter(visible) };
  }

  @Access('operator')
  @ApiOperation({ summary: 'End a drain (the cluster stays cordoned)' })
  @ApiResponse({ status: 204, description: 'Ended.' })
  @Delete('clusters/:name/drain')
  @HttpCode(204)
  async undrain(@Param('name') name: string, @Caller() caller: Identity): Promise<void> {
    await this.operator.undrain(name, caller.subject);
  }

  @Access('operator')
  @ApiOperation({ summary: 'Fail a stateful workload over without fencing confirmation' })
  @ApiAnswer(200, schemaRef('FailoverOverride'), 'Recorded.')
  @ApiProblems(404)
  @Post('namespaces/:namespace/workloads/:name/failover/force')
  @HttpCode(200)
  async force(@Param('namespace') namespace: string, @Param('name') name: string, @Caller() caller: Identity): Promise<WorkloadFailoverOverride> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    return this.operator.force(namespace, name, caller.subject);
  }

  @Access('operator')
  @ApiOperation({ summary: 'Confirm removing the old copy of a purge-mode Never workload on one cluster' })
  @ApiJsonBody({ type: 'object', required: ['cluster'], properties: { cluster: { type: 'string', description: 'A registered cluster.' } } }, 'The cluster.')
  @ApiAnswer(200, schemaRef('FailoverOverride'), 'Recorded.')
  @ApiProblems(400, 404)
  @Post('namespaces/:namespace/workloads/:name/failover/confirm-purge')
  @HttpCode(200)
  async confirmPurge(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Caller() caller: Identity): Promise<WorkloadFailoverOverride> {
    await this.tenants.assertWorkloadVisible(caller, namespace, name);
    return this.operator.confirmPurge(namespace, name, body, caller.subject);
  }
}
