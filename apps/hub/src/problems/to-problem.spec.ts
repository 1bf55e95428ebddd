import { describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { AlreadyExistsError, NotFoundError, StaleWriteError, StoreUsageError } from '../../../../libs/store/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { CredentialsUnavailableError, MemberUnreachableError, PurgeIncompleteError } from '../../../../libs/clusters/src/index.ts';
import { NotReadyError } from './not-ready-error.ts';
import { toProblem } from './to-problem.ts';

const context = { instance: '/api/v1/clusters/c1', requestId: 'req-1' };
const c1 = { kind: 'cluster', id: 'c1' };

function fastifyError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode, code: 'FST_ERR_TEST' });
}

describe('toProblem', () => {
  it.each<[string, unknown, number, string, boolean]>([
    ['an unknown route', new NotFoundException('Cannot GET /nope'), 404, 'not-found', false],
    ['a missing record', new NotFoundError(c1), 404, 'not-found', false],
    ['a create of an existing record', new AlreadyExistsError(c1, 3), 409, 'already-exists', false],
    ['a stale write', new StaleWriteError(c1, 2, 3), 409, 'stale-write', false],
    ['invalid input', new ValidationError([{ name: 'query.limit', reason: 'must be an integer' }]), 400, 'validation', false],
    ['a bad request', new BadRequestException('replicas must be >= 0'), 400, 'bad-request', false],
    ['an unusual 4xx', new HttpException('teapot', 418), 418, 'bad-request', false],
    ['invalid JSON from Fastify', fastifyError(400, 'Body is not valid JSON'), 400, 'bad-request', false],
    ['a body too large', fastifyError(413, 'Request body is too large'), 413, 'payload-too-large', false],
    ['not ready', new NotReadyError([{ name: 'redis', reason: 'timeout' }], {}), 503, 'not-ready', false],
    ['an unreachable member', new MemberUnreachableError('c1', [{ operation: 'list ConfigMap', reason: 'connection refused' }]), 502, 'member-unreachable', false],
    ['an incomplete purge', new PurgeIncompleteError('c1', [], [{ operation: 'delete ConfigMap a/b', reason: 'HTTP 500' }]), 502, 'purge-incomplete', false],
    ['credentials that cannot be opened', new CredentialsUnavailableError('c1', 'k1'), 503, 'credentials-unavailable', false],
    ['an explicit 500', new InternalServerErrorException('db password is hunter2'), 500, 'internal', true],
    ['a bug in the store usage', new StoreUsageError('bad kind'), 500, 'internal', true],
    ['a thrown string', 'oops', 500, 'internal', true],
    ['a plain error', new Error('connect ECONNREFUSED 10.0.0.1:6379'), 500, 'internal', true],
  ])('maps %s', (_what, error, status, slug, isServerFault) => {
    const mapped = toProblem(error, context);
    expect(mapped.isServerFault).toBe(isServerFault);
    expect(mapped.problem).toMatchObject({
      type: `https://flotilla.dev/problems/${slug}`,
      status,
      instance: '/api/v1/clusters/c1',
      requestId: 'req-1',
    });
    expect(typeof mapped.problem.title).toBe('string');
    expect(typeof mapped.problem.detail).toBe('string');
  });

  it('never shows the cause of a server fault to the client', () => {
    const { problem } = toProblem(new InternalServerErrorException('db password is hunter2'), context);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(problem.detail).toContain('req-1');
  });

  it('tells a stale writer which versions clashed', () => {
    const { problem } = toProblem(new StaleWriteError(c1, 2, 3), context);
    expect(problem).toMatchObject({ object: 'cluster/c1', expectedVersion: 2, actualVersion: 3 });
    expect(problem.detail).toBe('stale write to cluster/c1: expected version 2, found 3; read it again and retry');
  });

  it('names every invalid field', () => {
    const invalidParams = [
      { name: 'name', reason: 'must be a DNS-1123 label' },
      { name: 'server', reason: 'must be an https:// URL' },
    ];
    expect(toProblem(new ValidationError(invalidParams), context).problem).toMatchObject({ status: 400, invalidParams });
  });

  it('keeps the message of a client error as the detail', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'), context).problem.detail).toBe('Cannot GET /nope');
    expect(toProblem(new BadRequestException(['a is required', 'b is too long']), context).problem.detail).toBe(
      'a is required; b is too long',
    );
  });

  it('carries the failed checks of a not-ready hub', () => {
    const checks = { status: 'error', error: { redis: { status: 'down' } } };
    const { problem } = toProblem(new NotReadyError([{ name: 'redis', reason: 'timeout' }], checks), context);
    expect(problem).toMatchObject({ detail: 'not ready: redis: timeout', checks });
  });
});
