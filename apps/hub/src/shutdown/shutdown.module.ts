import { Global, Module } from '@nestjs/common';
import { ShutdownCoordinator } from './shutdown-coordinator.ts';

@Global()
@Module({ providers: [ShutdownCoordinator], exports: [ShutdownCoordinator] })
export class ShutdownModule {}
