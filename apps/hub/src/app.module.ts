import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Config } from '../../../libs/config/src/index.ts';
import { AuditModule } from './audit/audit.module.ts';
import { AuthModule } from './auth/auth.module.ts';
import { ClustersModule } from './clusters/clusters.module.ts';
import { HubConfigModule } from './config/hub-config.module.ts';
import { CryptoModule } from './crypto/crypto.module.ts';
import { EventsModule } from './events/events.module.ts';
import { HealthModule } from './health/health.module.ts';
import { HealthProbeModule } from './health-probe/health-probe.module.ts';
import { loggerParams } from './logging/logger-params.ts';
import { MetricsModule } from './metrics/metrics.module.ts';
import { ProblemFilter } from './problems/problem.filter.ts';
import { ProxyModule } from './proxy/proxy.module.ts';
import { RedisModule } from './redis/redis.module.ts';
import { ShutdownModule } from './shutdown/shutdown.module.ts';
import { WorkloadsModule } from './workloads/workloads.module.ts';
import { FailoverModule } from './failover/failover.module.ts';
import { FleetModule } from './fleet/fleet.module.ts';

@Module({})
export class AppModule {
  static register(config: Config, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        HubConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, logDestination)),
        ShutdownModule,
        RedisModule,
        CryptoModule,
        EventsModule,
        AuditModule,
        AuthModule,
        ClustersModule,
        MetricsModule,
        HealthModule,
        HealthProbeModule,
        WorkloadsModule,
        FailoverModule,
        FleetModule,
        ProxyModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
