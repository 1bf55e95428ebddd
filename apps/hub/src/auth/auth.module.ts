import { Global, Module } from '@nestjs/common';
import { AuthController } from './auth.controller.ts';
import { Sessions } from './sessions.ts';
import { TenantScope } from './tenant-scope.ts';
import { TokenVerifier } from './token-verifier.ts';

/** Identity: bearer tokens of the configured OpenID Provider (and, with it, browser sessions), and tenant isolation. */
@Global()
@Module({
  controllers: [AuthController],
  providers: [TokenVerifier, TenantScope, Sessions],
  exports: [TokenVerifier, TenantScope, Sessions],
})
export class AuthModule {}
