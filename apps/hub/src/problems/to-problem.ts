import { HttpException } from '@nestjs/common';
import {
  AlreadyExistsError,
  formatRecordKey,
  NotFoundError,
  StaleWriteError,
} from '../../../../libs/store/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import {
  CredentialsUnavailableError,
  MemberUnreachableError,
  PurgeIncompleteError,
} from '../../../../libs/clusters/src/index.ts';
import { ProviderUnavailableError } from '../auth/auth-errors.ts';
import { MemberProxyError } from '../proxy/member-proxy-error.ts';
import { NotReadyError } from './not-ready-error.ts';
import { PROBLEM_TYPE_BASE, type Problem } from './problem.ts';

/** Where an error happened: the request it answers. */
export interface ProblemContext {
  readonly instance: string;
  readonly requestId: string;
}

/** A problem, plus whether it reveals a fault of the hub that should be logged as an error. */
export interface MappedProblem {
  readonly problem: Problem;
  readonly isServerFault: boolean;
}

const SLUGS: Readonly<Record<number, readonly [slug: string, title: string]>> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Payload too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable-content', 'Unprocessable content'],
  429: ['too-many-requests', 'Too many requests'],
  503: ['unavailable', 'Service unavailable'],
};

function problem(
  context: ProblemContext,
  status: number,
  slug: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { type: PROBLEM_TYPE_BASE + slug, title, status, detail, ...context, ...extensions };
}

function internal(context: ProblemContext): MappedProblem {
  // The cause stays in the log (found by request id); it may hold internals a client must not see.
  return {
    problem: problem(context, 500, 'internal', 'Internal server error', `The hub failed to handle the request; the log has details under request id ${context.requestId}.`),
    isServerFault: true,
  };
}

function byStatus(context: ProblemContext, status: number, detail: string): MappedProblem {
  if (status >= 500 && status !== 503) return internal(context);
  const [slug, title] = SLUGS[status] ?? [status >= 500 ? 'unavailable' : 'bad-request', `HTTP ${status}`];
  return { problem: problem(context, status, slug, title, detail), isServerFault: false };
}

function messageOf(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const { message } = response;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.map(String).join('; ');
  }
  return fallback;
}

function hasHttpStatus(error: unknown): error is Error & { statusCode: number } {
  return (
    error instanceof Error &&
    'statusCode' in error &&
    typeof error.statusCode === 'number' &&
    error.statusCode >= 400 &&
    error.statusCode <= 599
  );
}

/**
 * Maps anything thrown while handling a request to a problem. Pure, so that the mapping of
 * every domain error is one table-driven test; the filter only writes the answer.
 */
export function toProblem(error: unknown, context: ProblemContext): MappedProblem {
  if (error instanceof NotReadyError) {
    return {
      problem: problem(context, 503, 'not-ready', 'Not ready', error.message, { checks: error.checks }),
      isServerFault: false,
    };
  }
  if (error instanceof ProviderUnavailableError) {
    return { problem: problem(context, 503, 'identity-provider-unavailable', 'Identity provider unavailable', error.message), isServerFault: false };
  }
  if (error instanceof ValidationError) {
    return {
      problem: problem(context, 400, 'validation', 'Invalid input', error.message, { invalidParams: error.invalidParams }),
      isServerFault: false,
    };
  }
  // A member cluster could not be read or changed completely: the hub stands between the
  // client and that cluster, so 502, and the registration is kept.
  if (error instanceof MemberUnreachableError) {
    return {
      problem: problem(context, 502, 'member-unreachable', 'Member cluster unreachable', error.message, { cluster: error.cluster, failures: error.failures }),
      isServerFault: false,
    };
  }
  if (error instanceof MemberProxyError) {
    return { problem: problem(context, error.status, error.failure, error.title, error.message, { cluster: error.cluster }), isServerFault: false };
  }
  if (error instanceof PurgeIncompleteError) {
    return {
      problem: problem(context, 502, 'purge-incomplete', 'Purge incomplete', error.message, {
        cluster: error.cluster,
        deleted: error.deleted,
        failures: error.failures,
      }),
      isServerFault: false,
    };
  }
  if (error instanceof CredentialsUnavailableError) {
    return {
      problem: problem(context, 503, 'credentials-unavailable', 'Credentials unavailable', error.message, { cluster: error.cluster, keyId: error.keyId }),
      isServerFault: false,
    };
  }
  if (error instanceof NotFoundError) {
    return { problem: problem(context, 404, 'not-found', 'Not found', error.message), isServerFault: false };
  }
  if (error instanceof AlreadyExistsError) {
    return {
      problem: problem(context, 409, 'already-exists', 'Already exists', error.message, {
        object: formatRecordKey(error.key),
        actualVersion: error.actualVersion,
      }),
      isServerFault: false,
    };
  }
  if (error instanceof StaleWriteError) {
    return {
      problem: problem(context, 409, 'stale-write', 'Stale write', `${error.message}; read it again and retry`, {
        object: formatRecordKey(error.key),
        expectedVersion: error.expectedVersion,
        actualVersion: error.actualVersion,
      }),
      isServerFault: false,
    };
  }
  if (error instanceof HttpException) {
    return byStatus(context, error.getStatus(), messageOf(error.getResponse(), error.message));
  }
  // Errors raised by Fastify itself (bad JSON, wrong content type, body too large) carry their
  // status; their messages are written for clients.
  if (hasHttpStatus(error)) return byStatus(context, error.statusCode, error.message);
  return internal(context);
}
