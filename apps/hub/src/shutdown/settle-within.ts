/** How a bounded wait ended; `done` carries what the work resolved to. */
export type Settled<T = unknown> = { readonly outcome: 'done'; readonly value: T } | { readonly outcome: 'failed'; readonly error: unknown } | { readonly outcome: 'timeout' };

/** Waits for `work` at most `ms` milliseconds; never throws, never leaves a timer behind. */
export async function settleWithin<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (value): Settled<T> => ({ outcome: 'done', value }),
        (error: unknown): Settled<T> => ({ outcome: 'failed', error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
