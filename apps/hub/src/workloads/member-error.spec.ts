import { describe, expect, it } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import { classifyMemberError } from './member-error.ts';

const api = (code: number, body: unknown = { message: `status ${code}` }): ApiException<unknown> => new ApiException(code, 'Unsuccessful HTTP Request', body, {});
const network = (code: string): Error => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
const timeout = (): Error => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

describe('classifyMemberError', () => {
  it.each([
    ['invalid object (422)', api(422, { message: 'Service "x" is invalid: spec.ports[0].port: Invalid value' }), true, 'HTTP 422: Service "x" is invalid: spec.ports[0].port: Invalid value'],
    ['bad request (400)', api(400), true, 'HTTP 400: status 400'],
    ['forbidden (403)', api(403), true, 'HTTP 403: status 403'],
    ['unauthorized (401)', api(401), true, 'HTTP 401: status 401'],
    ['kind not found (404)', api(404), true, 'HTTP 404: status 404'],
    ['kind unknown to discovery', new Error('Unrecognized API version and kind: example.com/v1 Widget'), true, 'Unrecognized API version and kind: example.com/v1 Widget'],
    ['conflict (409)', api(409), false, 'HTTP 409: status 409'],
    ['throttled (429)', api(429), false, 'HTTP 429: status 429'],
    ['server error (503)', api(503, 'not json'), false, 'HTTP 503'],
    ['timeout', timeout(), false, 'timed out after 2000 ms'],
    ['connection refused', network('ECONNREFUSED'), false, 'connection refused'],
    ['connection reset', network('ECONNRESET'), false, 'connection failed (ECONNRESET)'],
    ['anything else', 'a string', false, 'request failed'],
  ])('%s', (_what, error, permanent, reason) => {
    expect(classifyMemberError(error, 2000)).toEqual({ permanent, reason });
  });
});
