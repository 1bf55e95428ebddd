import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from './hub-config.token.ts';

/** Makes the configuration parsed at boot injectable everywhere as {@link HUB_CONFIG}. */
@Global()
@Module({})
export class HubConfigModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: HubConfigModule,
      providers: [{ provide: HUB_CONFIG, useValue: config }],
      exports: [HUB_CONFIG],
    };
  }
}
