import { describe, expect, it } from '@jest/globals';
import { type JobIdRange, jobIdPage, jobPosition } from './job-id-page.ts';

/** A job state held in an array, read by index as BullMQ does. */
const reader = (state: string[]): JobIdRange => (start, end) => Promise.resolve(state.slice(start, end + 1));
const ids = (n: number, prefix = 'j'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function pageAfter(state: string[], limit: number, token?: string): Promise<{ ids: readonly string[]; next?: string }> {
  return jobIdPage(reader(state), { limit }, token === undefined ? undefined : jobPosition(token));
}

describe('jobIdPage', () => {
  it('walks a state that does not change, every job once, the last page without a token', async () => {
    const state = ids(7);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await pageAfter(state, 3, token);
      seen.push(...page.ids);
      token = page.next;
    } while (token !== undefined);
    expect(seen).toEqual(state);
  });

  it('gives no token when the first page holds everything', async () => {
    expect(await pageAfter(ids(3), 3)).toEqual({ ids: ['j0', 'j1', 'j2'] });
  });

  it('neither skips nor repeats when jobs before the position leave the state or arrive', async () => {
    const state = ids(9);
    const first = await pageAfter(state, 3);
    expect(first.ids).toEqual(['j0', 'j1', 'j2']);
    // Two shown jobs were retried (left "failed"), one new failure arrived at the head.
    const changed = ['new', ...state.filter((id) => id !== 'j0' && id !== 'j1')];
    expect((await pageAfter(changed, 3, first.next)).ids).toEqual(['j3', 'j4', 'j5']);
  });

  it('starts at the old offset when the last job shown has left the state (the job moved into its place is skipped, as documented)', async () => {
    const state = ids(9);
    const first = await pageAfter(state, 3);
    const changed = state.filter((id) => id !== 'j2');
    expect((await pageAfter(changed, 3, first.next)).ids).toEqual(['j4', 'j5', 'j6']);
  });

  it('reads positions of its own tokens only', () => {
    expect(jobPosition('12/abc')).toEqual({ offset: 12, id: 'abc' });
    expect(jobPosition('x/abc')).toBeUndefined();
    expect(jobPosition('12/')).toBeUndefined();
  });
});
