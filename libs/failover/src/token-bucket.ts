/** A token bucket: `perInterval` tokens are added every `intervalMs`, up to `burst`. */
export interface TokenBucketSettings {
  readonly burst: number;
  readonly perInterval: number;
  readonly intervalMs: number;
}

/**
 * The bucket as stored (plain numbers, epoch ms). Refills are counted in whole intervals from
 * `refilledAt`, so the same state and `now` give the same tokens on any replica of the hub.
 */
export interface TokenBucketState {
  readonly tokens: number;
  readonly refilledAt: number;
}

export function fullBucket(settings: TokenBucketSettings, now: number): TokenBucketState {
  return { tokens: settings.burst, refilledAt: now };
}

/** The bucket at `now`. A clock that went backwards (a new leader's) refills nothing. */
export function refill(state: TokenBucketState, settings: TokenBucketSettings, now: number): TokenBucketState {
  const intervals = Math.floor((now - state.refilledAt) / settings.intervalMs);
  if (intervals <= 0) return state;
  const tokens = Math.min(settings.burst, state.tokens + intervals * settings.perInterval);
  // A full bucket restarts its interval now: time spent full earns nothing.
  return { tokens, refilledAt: tokens >= settings.burst ? now : state.refilledAt + intervals * settings.intervalMs };
}

/** Takes one token if there is one at `now`; otherwise says when the next one comes. */
export function takeToken(
  state: TokenBucketState,
  settings: TokenBucketSettings,
  now: number,
): { readonly taken: boolean; readonly state: TokenBucketState; readonly nextAt: number } {
  const current = refill(state, settings, now);
  const nextAt = current.refilledAt + settings.intervalMs;
  if (current.tokens < 1) return { taken: false, state: current, nextAt };
  return { taken: true, state: { tokens: current.tokens - 1, refilledAt: current.refilledAt }, nextAt };
}
