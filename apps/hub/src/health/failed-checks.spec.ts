import { describe, expect, it } from '@jest/globals';
import { failedChecks } from './failed-checks.ts';

describe('failedChecks', () => {
  it.each<[string, unknown, { name: string; reason: string }[]]>([
    [
      'checks with messages',
      { status: 'error', error: { redis: { status: 'down', message: 'timeout' }, lifecycle: { status: 'down', message: 'shutting down' } } },
      [
        { name: 'redis', reason: 'timeout' },
        { name: 'lifecycle', reason: 'shutting down' },
      ],
    ],
    ['a check without a message', { error: { redis: { status: 'down' } } }, [{ name: 'redis', reason: 'down' }]],
    ['no error section', { status: 'ok' }, []],
    ['not an object', 'Service Unavailable', []],
  ])('reads %s', (_what, result, expected) => {
    expect(failedChecks(result)).toEqual(expected);
  });
});
