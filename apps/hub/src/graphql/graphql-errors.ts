import { GraphQLError } from 'graphql';
import type { ExecutionResult } from 'graphql';
import mercurius, { type MercuriusContext } from 'mercurius';
import { toProblem } from '../problems/to-problem.ts';

/** The `extensions.code` of an operation nested deeper than FLOTILLA_GRAPHQL_MAX_DEPTH. */
export const QUERY_TOO_DEEP = 'QUERY_TOO_DEEP';

/** What the hub adds to every GraphQL error, after problem+json: a stable code, the problem type and status, the invalid fields. */
export interface GraphqlErrorExtensions {
  readonly code: string;
  readonly type?: string;
  readonly status?: number;
  readonly invalidParams?: readonly { readonly name: string; readonly reason: string }[];
  readonly [key: string]: unknown;
}

/** Logs a fault of the hub hidden behind an `INTERNAL` error (found by its request id). */
export type GraphqlFaultLog = (error: unknown, requestId: string) => void;

const codeOf = (type: string): string => (type.split('/').pop() ?? 'internal').replaceAll('-', '_').toUpperCase();

/** One error as the client gets it. Errors thrown by a use case are mapped like problem+json; the cause of a hub fault stays in the log. */
export function formatGraphqlError(error: GraphQLError, requestId: string, logFault: GraphqlFaultLog): GraphQLError {
  const original = error.originalError;
  if (original === undefined || original instanceof GraphQLError) {
    // Parse and validation errors; the cost limit's carry their own code (QUERY_TOO_COSTLY).
    const code = typeof error.extensions.code === 'string' ? error.extensions.code : 'GRAPHQL_VALIDATION_FAILED';
    return new GraphQLError(error.message, { nodes: error.nodes, positions: error.positions, path: error.path, extensions: { ...error.extensions, code } });
  }
  if ((original as { code?: unknown }).code === 'MER_ERR_GQL_QUERY_DEPTH') {
    return new GraphQLError(`${original.message.replaceAll('`', '')} (FLOTILLA_GRAPHQL_MAX_DEPTH)`, { extensions: { code: QUERY_TOO_DEEP } });
  }
  const { problem, isServerFault } = toProblem(original, { instance: '/graphql', requestId });
  if (isServerFault) logFault(original, requestId);
  const { type, status, detail } = problem;
  const extensions: GraphqlErrorExtensions = { code: codeOf(type), type, status, ...('invalidParams' in problem ? { invalidParams: problem.invalidParams as GraphqlErrorExtensions['invalidParams'] } : {}) };
  return new GraphQLError(detail, { nodes: error.nodes, positions: error.positions, path: error.path, extensions });
}

/**
 * mercurius' errorFormatter: its status code (400 for an operation refused before it ran),
 * with every error (those mercurius wraps in one validation error included) in the hub's form.
 */
export function graphqlErrorFormatter(logFault: GraphqlFaultLog) {
  return (execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>, context: MercuriusContext): { statusCode: number; response: ExecutionResult } => {
    const { statusCode } = mercurius.defaultErrorFormatter(execution, context);
    const requestId = String(context.reply?.request.id ?? '');
    const errors = execution.errors.flatMap((error) => {
      const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
      const all = Array.isArray(inner) ? inner.map((e: unknown) => (e instanceof GraphQLError ? e : new GraphQLError((e as Error).message, { originalError: e as Error }))) : [error];
      return all.map((e) => formatGraphqlError(e, requestId, logFault));
    });
    return { statusCode, response: { data: execution.data ?? null, errors } };
  };
}
