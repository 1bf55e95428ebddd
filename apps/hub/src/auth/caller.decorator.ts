import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Identity } from '../../../../libs/identity/src/index.ts';

/** The verified caller of the request (see the authentication hook); only on routes that need one. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Identity => {
  const identity = context.switchToHttp().getRequest<FastifyRequest>().identity;
  // Unreachable behind the hook; refusing is the safe answer if a route is ever wired wrongly.
  if (identity === null) throw new UnauthorizedException('this route needs an identity');
  return identity;
});
