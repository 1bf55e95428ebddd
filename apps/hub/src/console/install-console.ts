import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NotFoundException } from '@nestjs/common';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../auth/access.ts';
import { sendProblem } from '../problems/send-problem.ts';

/**
 * Where `npm run build:console` puts the operator console: apps/console/dist of the repository,
 * whether the hub runs from its sources (apps/hub/src) or from `npm run build`'s dist/apps/hub/src.
 */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/apps/hub/src/') ? '../../../../../apps/console/dist/' : '../../../console/dist/', import.meta.url));

/**
 * The console's own files only: its script and styles come from this hub, it talks to this hub's
 * API, and no page may frame it. React sets no inline scripts or styles.
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const PUBLIC = { access: 'public' satisfies RouteAccess };

/**
 * Serves the operator console built into `dir`: its page at `GET /` and its hashed assets at
 * `GET /assets/*`. Both are public: they are the same static files for everyone and hold no
 * fleet data (the page reads everything through the API, with the caller's session). Without a
 * build, `/` answers 404 saying how to build it; the API is unaffected. Other paths are not
 * rewritten to the page: a console page that needs its own URL is declared as a route.
 */
export async function installConsole(fastify: FastifyInstance, dir: string = DEFAULT_CONSOLE_DIR): Promise<void> {
  const indexFile = `${dir}/index.html`;
  const page = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : undefined;
  await fastify.register(async (scope) => {
    if (page !== undefined) await scope.register(fastifyStatic, { root: dir, serve: false, index: false });
    const notBuilt = new NotFoundException('the console is not built: run `npm run build:console` and restart the hub');
    scope.get('/', { config: PUBLIC }, (request, reply) => {
      if (page === undefined) return sendProblem(request, reply, notBuilt);
      return reply.type('text/html; charset=utf-8').header('content-security-policy', CONSOLE_CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').send(page);
    });
    scope.get('/assets/*', { config: PUBLIC }, (request, reply) => {
      if (page === undefined) return sendProblem(request, reply, notBuilt);
      // Names carry a content hash: a new build gives new names, so they never change.
      return reply.header('x-content-type-options', 'nosniff').sendFile(`assets/${(request.params as { '*': string })['*']}`, { immutable: true, maxAge: '365d' });
    });
  });
}
