import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.ts';
import { Readiness } from './readiness.ts';

@Module({
  // Failed checks are answered with details and Redis outages are logged by the connection;
  // terminus' own log line on every failed probe would only repeat that every few seconds.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [Readiness],
})
export class HealthModule {}
