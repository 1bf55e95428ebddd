import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { Config } from '../../../../libs/config/src/index.ts';
import { requestIdFrom } from './request-id.ts';

/** Headers that carry credentials; their values never reach the log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.query.code',
  'req.query.state',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
] as const;

// Probes and scrapes arrive every few seconds; logging each would drown everything else.
// Failures still show: Redis connection changes are logged where they happen.
const QUIET_PATHS = new Set(['/livez', '/readyz', '/metrics']);

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?', 1)[0] ?? '';
}

/**
 * nestjs-pino settings: JSON lines on stdout (or `destination`), each request's lines carrying
 * its request id, credentials redacted.
 */
export function loggerParams(config: Config, destination?: DestinationStream): Params {
  const options: Options = {
    name: 'flotilla-hub',
    level: config.logLevel,
    timestamp: stdTimeFunctions.isoTime,
    // Fastify has already chosen the id (see createHub) and middie copies it onto the raw
    // request; the fallback only matters if this middleware ever runs outside Fastify.
    genReqId: (req) => req.id ?? requestIdFrom(req.headers['x-request-id']),
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // The login callback's query holds the authorization code: it stays out of the log.
    serializers: { req: (req: { url?: string }) => (req.url?.startsWith('/auth/callback') ? { ...req, url: '/auth/callback?[redacted]' } : req) },
    autoLogging: { ignore: (req) => QUIET_PATHS.has(pathOf(req)) },
    customLogLevel: (_req, res, error) =>
      error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    // nestjs-pino's default route, "{/*splat}", becomes "/{/*splat}" inside @fastify/middie 9,
    // which matches "/" only: no request would be logged. "{*splat}" matches every path.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  };
}
