import { ReadyReason, type ProbeResult } from '../../../../libs/health/src/index.ts';
import { readInventory } from './inventory.ts';
import type { MemberClient } from './member-http.ts';
import { checkReadiness } from './readiness-check.ts';

export interface ClusterProbeResult extends ProbeResult {
  /** Whether the inventory was asked for and read completely (when it was asked for). */
  readonly inventoryComplete: boolean;
  /** Inventory parts that failed, for the log. */
  readonly problems: readonly string[];
  /** Connections the readiness check tried (see READINESS_ATTEMPTS). */
  readonly attempts: number;
}

/**
 * One probe of one cluster, bounded by `timeoutMs` from start to end: the readiness check and,
 * when `withInventory`, the inventory reads run side by side under the same deadline. `signal`
 * aborts everything (the prober is stopping; the result must then be thrown away).
 *
 * The outcome is the readiness check's, except that a readiness success whose inventory was
 * refused (401/403) is a failure with reason Unauthorized: the credentials do not let the hub
 * do its work there. Other inventory failures only leave the last known values in place.
 */
export async function probeCluster(
  client: MemberClient,
  options: { readonly timeoutMs: number; readonly withInventory: boolean; readonly now: () => Date },
  signal: AbortSignal,
): Promise<ClusterProbeResult> {
  client.startProbe();
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
  const [{ outcome, attempts }, inventory] = await Promise.all([
    checkReadiness(client, options.timeoutMs, signal),
    options.withInventory ? readInventory(client, deadline, options.now) : undefined,
  ]);
  const finishedAt = options.now();
  if (inventory === undefined) return { outcome, finishedAt, inventoryComplete: false, problems: [], attempts };
  const base = { finishedAt, inventory: inventory.inventory, inventoryComplete: inventory.complete, problems: inventory.problems, attempts };
  if (outcome.kind === 'success' && inventory.unauthorized !== undefined) {
    return { ...base, outcome: { kind: 'failure', reason: ReadyReason.Unauthorized, message: inventory.unauthorized } };
  }
  return { ...base, outcome };
}
