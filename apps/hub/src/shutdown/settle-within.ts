/** How a bounded wait ended. */
export type Settled = { readonly outcome: 'done' } | { readonly outcome: 'failed'; readonly error: unknown } | { readonly outcome: 'timeout' };

/** Waits for `work` at most `ms` milliseconds; never throws, never leaves a timer behind. */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      work.then(
        (): Settled => ({ outcome: 'done' }),
        (error: unknown): Settled => ({ outcome: 'failed', error }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
