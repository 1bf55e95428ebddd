/**
 * The memory the watch caches may hold together. Each cache charges the size of what it keeps
 * (an estimate: the objects' JSON length, which is close to what V8 keeps for strings and
 * somewhat below it for numbers and maps). A cache whose growth would pass the budget is refused
 * and the caller stops it; reads of that cluster and kind then go to the member live. Pure
 * bookkeeping, no I/O.
 */
export class MemoryBudget {
  private readonly charged = new Map<string, number>();
  private total = 0;

  constructor(readonly limitBytes: number) {}

  /** Bytes charged to every cache together. */
  get usedBytes(): number {
    return this.total;
  }

  /** Bytes charged to one cache. */
  of(cache: string): number {
    return this.charged.get(cache) ?? 0;
  }

  /**
   * Changes a cache's charge by `delta` bytes. False (and nothing charged) when a growth would
   * pass the limit; a shrink is always accepted.
   */
  charge(cache: string, delta: number): boolean {
    if (delta > 0 && this.total + delta > this.limitBytes) return false;
    const next = Math.max(0, this.of(cache) + delta);
    this.total += next - this.of(cache);
    this.charged.set(cache, next);
    return true;
  }

  /** Forgets a cache (stopped): its bytes are free again. */
  release(cache: string): void {
    this.total -= this.of(cache);
    this.charged.delete(cache);
  }
}
