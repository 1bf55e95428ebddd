import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { toProblem } from './to-problem.ts';

/** Logs a fault of the hub met outside Nest's handlers (the caller gets a 500 naming the request id). */
export type FaultLog = (error: unknown, requestId: string) => void;

/**
 * Answers `error` as problem+json from a Fastify hook or route that Nest's exception filter does
 * not cover, with the same mapping ({@link toProblem}).
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown, headers: Readonly<Record<string, string>> = {}, logFault?: FaultLog): FastifyReply {
  const { problem, isServerFault } = toProblem(error, { instance: request.url.split('?', 1)[0] ?? request.url, requestId: String(request.id) });
  if (isServerFault) logFault?.(error, String(request.id));
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  return reply.code(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
