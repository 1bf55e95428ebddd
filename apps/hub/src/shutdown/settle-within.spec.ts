import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { settleWithin } from './settle-within.ts';

describe('settleWithin', () => {
  it('reports work that finishes in time', async () => {
    expect(await settleWithin(sleep(5), 1000)).toEqual({ outcome: 'done' });
  });

  it('reports work that fails, without throwing', async () => {
    const error = new Error('boom');
    expect(await settleWithin(Promise.reject(error), 1000)).toEqual({ outcome: 'failed', error });
  });

  it('gives up on work that takes too long', async () => {
    const started = Date.now();
    expect(await settleWithin(new Promise(() => undefined), 30)).toEqual({ outcome: 'timeout' });
    expect(Date.now() - started).toBeLessThan(500);
  });
});
