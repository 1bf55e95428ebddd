import type { Taint } from '../../clusters/src/cluster.ts';
import type { Toleration } from './placement-policy.ts';

function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== undefined && toleration.effect !== taint.effect) return false;
  if ((toleration.operator ?? 'Equal') === 'Exists') return toleration.key === undefined || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

function keepsOut(taint: Taint, tolerations: readonly Toleration[]): boolean {
  if (taint.effect === 'PreferNoSchedule') return false;
  for (let i = 0; i < tolerations.length; i += 1) if (tolerates(tolerations[i] as Toleration, taint)) return false;
  return true;
}

/** The NoSchedule and NoExecute taints no toleration covers; PreferNoSchedule never keeps a workload out. */
export function untoleratedTaints(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint[] {
  return taints.filter((taint) => keepsOut(taint, tolerations));
}

/** Whether {@link untoleratedTaints} is empty, without building it. */
export function toleratesAll(taints: readonly Taint[], tolerations: readonly Toleration[]): boolean {
  for (let i = 0; i < taints.length; i += 1) if (keepsOut(taints[i] as Taint, tolerations)) return false;
  return true;
}
