import { StoreError } from './store-error.ts';

/**
 * A guarded write was refused because the guard key no longer holds the writer's value: for a
 * lease, the writer is no longer the holder. Nothing was written. Do not retry: stop acting as
 * the holder.
 */
export class FencedWriteError extends StoreError {
  override name = 'FencedWriteError';

  constructor(readonly guardKey: string) {
    super(`write refused: ${guardKey} no longer holds the writer's value (another holder took over)`);
  }
}
