import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { type ClusterFence, type DrainView, type FailoverView, FailoverOperator, type WorkloadFailoverOverride } from './failover-operator.ts';

/** The failover controller's state, and the operator's say in it. */
@Controller('api/v1')
export class FailoverApiController {
  constructor(private readonly operator: FailoverOperator) {}

  @Get('failover')
  async view(): Promise<FailoverView> {
    return this.operator.view();
  }

  @Post('clusters/:name/fence')
  @HttpCode(200)
  async fence(@Param('name') name: string): Promise<ClusterFence> {
    return this.operator.fence(name);
  }

  @Delete('clusters/:name/fence')
  @HttpCode(204)
  async unfence(@Param('name') name: string): Promise<void> {
    await this.operator.unfence(name);
  }

  /** Cordon the cluster and move everything on it elsewhere (planned failover); 202 with the drain's progress. */
  @Post('clusters/:name/drain')
  @HttpCode(202)
  async drain(@Param('name') name: string): Promise<DrainView> {
    return this.operator.drain(name);
  }

  @Get('clusters/:name/drain')
  async drainView(@Param('name') name: string): Promise<DrainView> {
    return this.operator.drainView(name);
  }

  @Delete('clusters/:name/drain')
  @HttpCode(204)
  async undrain(@Param('name') name: string): Promise<void> {
    await this.operator.undrain(name);
  }

  @Post('namespaces/:namespace/workloads/:name/failover/force')
  @HttpCode(200)
  async force(@Param('namespace') namespace: string, @Param('name') name: string): Promise<WorkloadFailoverOverride> {
    return this.operator.force(namespace, name);
  }

  @Post('namespaces/:namespace/workloads/:name/failover/confirm-purge')
  @HttpCode(200)
  async confirmPurge(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<WorkloadFailoverOverride> {
    return this.operator.confirmPurge(namespace, name, body);
  }
}
