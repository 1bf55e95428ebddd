import type { PageRequest } from '../../../../libs/paging/src/index.ts';

/** Reads the ids of one job state from `start` to `end` (inclusive), in the state's order, as BullMQ's getRanges does. */
export type JobIdRange = (start: number, end: number) => Promise<readonly string[]>;

/** Where the next page of a job list starts: the offset after the last job shown, and that job's id. */
const POSITION = /^(\d{1,9})\/(.{1,256})$/s;

/** The position a continue token of a job list holds, or undefined when it is not one. */
export function jobPosition(after: string): { offset: number; id: string } | undefined {
  const match = POSITION.exec(after);
  return match ? { offset: Number(match[1]), id: match[2] as string } : undefined;
}

/**
 * One page of job ids. BullMQ reads a state by index only, and jobs move between states
 * while someone pages, so the position is the last job shown *and* its offset: the next page
 * reads a window around the old offset (one read, a consistent snapshot) and starts after
 * that job wherever it is now, as long as it moved by at most `limit` places. When it left the
 * state (retried, removed, finished) or moved further, the page starts at the old offset, and
 * jobs around it may be skipped or shown twice.
 */
export async function jobIdPage(read: JobIdRange, request: PageRequest, position?: { offset: number; id: string }): Promise<{ ids: readonly string[]; next?: string }> {
  const from = position === undefined ? 0 : Math.max(0, position.offset - request.limit);
  const end = position === undefined ? request.limit : position.offset + 2 * request.limit;
  const window = await read(from, end);
  const found = position === undefined ? -1 : window.indexOf(position.id);
  const start = position === undefined ? 0 : found === -1 ? Math.min(position.offset - from, window.length) : found + 1;
  const ids = window.slice(start, start + request.limit);
  const last = ids[ids.length - 1];
  // A full window may end where the page does: there may be more after it.
  const more = start + ids.length < window.length || window.length === end - from + 1;
  return { ids, ...(more && last !== undefined ? { next: `${from + start + ids.length}/${last}` } : {}) };
}
