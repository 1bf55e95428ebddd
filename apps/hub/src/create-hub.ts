import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Config } from '../../../libs/config/src/index.ts';
import { AppModule } from './app.module.ts';
import { installAuditHooks } from './audit/audit-hooks.ts';
import { AuditLog } from './audit/audit-log.ts';
import type { RouteAccess } from './auth/access.ts';
import { installAuthentication } from './auth/authenticate.ts';
import { Sessions } from './auth/sessions.ts';
import { TokenVerifier } from './auth/token-verifier.ts';
import { HUB_CONFIG } from './config/hub-config.token.ts';
import { installGraphql } from './graphql/install-graphql.ts';
import { readBuildInfo } from './build-info.ts';
import { installConsole } from './console/install-console.ts';
import { installBodyParsers } from './http/body-parsers.ts';
import { installYamlResponses } from './http/yaml-responses.ts';
import { installHttpHooks, REQUEST_ID_HEADER } from './http/install-http-hooks.ts';
import { requestIdFrom } from './logging/request-id.ts';
import { HttpMetrics } from './metrics/http-metrics.ts';
import { declareDocsAccess, installOpenApi } from './openapi/install-openapi.ts';

export interface HubOptions {
  /**
   * Where JSON log lines go.
   * @defaultValue stdout
   * @remarks nestjs-pino keeps one root logger per process (per module registry under jest):
   * the first hub created decides destination and level for every later one.
   */
  readonly logDestination?: DestinationStream;
  /**
   * The built operator console to serve at `/`.
   * @defaultValue apps/console/dist (what `npm run build:console` writes)
   */
  readonly consoleDir?: string;
}

/** One route the hub serves, as Fastify registered it, with the access it declares. */
export interface HubRoute {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess | undefined;
}

/** A created, initialized hub that is not listening yet. */
export interface Hub {
  readonly app: NestFastifyApplication;
  /** Every route registered, HEAD routes Fastify adds for GETs excluded: what access tests walk. */
  readonly routes: readonly HubRoute[];
  /** Starts listening on config.host:config.port (0: any free port); resolves to the base URL. */
  listen(): Promise<string>;
  /** Shuts down as on SIGTERM: not ready, HTTP closed, jobs drained, Redis closed. */
  close(): Promise<void>;
}

/** Builds the hub from a parsed configuration. main.ts and the tests both start here. */
export async function createHub(config: Config, options: HubOptions = {}): Promise<Hub> {
  const adapter = new FastifyAdapter({
    // The request id comes from here: Fastify puts it on request.id, middie copies it to the
    // raw request where pino-http finds it, and a hook echoes it in the response.
    requestIdHeader: false,
    genReqId: (raw: IncomingMessage) => requestIdFrom(raw.headers[REQUEST_ID_HEADER]),
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, options.logDestination), adapter, {
    bufferLogs: true,
    // Let boot errors reach the caller instead of exiting the process from inside Nest.
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const routes: HubRoute[] = [];
  declareDocsAccess(app.getHttpAdapter().getInstance());
  app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
    const access = (route.config as { access?: RouteAccess }).access;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, access });
  });
  installHttpHooks(app.getHttpAdapter().getInstance(), app.get(HttpMetrics));
  await app.register(fastifyCookie);
  const sessions = app.get(Sessions);
  installAuthentication(app.getHttpAdapter().getInstance(), app.get(HUB_CONFIG), app.get(TokenVerifier), (request, reply) => sessions.identify(request, reply), (error, requestId) => logger.error({ err: error, requestId }, 'authentication failed', 'Auth'));
  installAuditHooks(app.getHttpAdapter().getInstance(), app.get(AuditLog), (error) => logger.error({ err: error }, 'audit record not written', 'Audit'));
  installBodyParsers(app);
  installYamlResponses(app.getHttpAdapter().getInstance());
  installOpenApi(app, config);
  await installConsole(app.getHttpAdapter().getInstance(), options.consoleDir);
  await installGraphql(
    app,
    config,
    (error, requestId) => logger.error({ err: error, requestId }, 'GraphQL request failed', 'GraphQL'),
    (error, what) => logger.error({ err: error }, what, 'GraphQL'),
  );
  await app.init();

  return {
    app,
    routes,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.getHttpServer().address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      logger.log({ url, ...readBuildInfo(), keyPrefix: config.keyPrefix }, 'Flotilla hub listening', 'Hub');
      return url;
    },
    close: () => app.close(),
  };
}
