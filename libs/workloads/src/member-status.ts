import { carriesReplicas } from './render.ts';
import type { MemberWorkloadStatus, StatusValue } from './workload.ts';

/**
 * A Kubernetes object as read back from a member. List responses may omit `apiVersion` and `kind`
 * on items; the caller fills them in from the list (objects without them are not counted and
 * never pruned). `spec` and `status` are taken as untyped JSON, and only these are read:
 * `spec.replicas`; `status.observedGeneration`, `replicas`, `readyReplicas`, `availableReplicas`,
 * `updatedReplicas` and `conditions` (`type`, `status`). A field of the wrong type reads as absent.
 */
export interface LiveObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly generation?: number;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: unknown;
  readonly status?: unknown;
}

export interface MemberStatusInput {
  readonly cluster: string;
  /** Replicas the hub asked of the member (after overrides). */
  readonly desiredReplicas: number;
  /** The generation whose objects were last applied successfully there; absent: never applied. */
  readonly appliedGeneration?: number;
  readonly appliedAt?: string;
  /** The workload's objects as listed on the member. */
  readonly objects: readonly LiveObject[];
  readonly observedAt: string;
}

type Condition = MemberWorkloadStatus['conditions'][number];

const condition = (type: string, status: StatusValue, reason: string, message?: string): Condition =>
  message === undefined ? { type, status, reason } : { type, status, reason, message };

const field = (from: unknown, key: string): unknown => (typeof from === 'object' && from !== null ? (from as Record<string, unknown>)[key] : undefined);
const count = (from: unknown, key: string): number | undefined => {
  const value = field(from, key);
  return typeof value === 'number' ? value : undefined;
};

const conditionOf = (object: LiveObject, type: string): unknown => {
  const conditions = field(object.status, 'conditions');
  return Array.isArray(conditions) ? field(conditions.find((c) => field(c, 'type') === type), 'status') : undefined;
};

/** Where one replica-carrying object is: behind its spec, short of replicas, rolling out, or done. */
function stateOf(object: LiveObject): 'Stalled' | 'GenerationNotObserved' | 'ReplicasUnavailable' | 'RollingOut' | 'Complete' {
  const wanted = count(object.spec, 'replicas') ?? 1;
  const status = object.status;
  if (object.kind === 'Deployment' && conditionOf(object, 'Progressing') === 'False') return 'Stalled';
  if ((count(status, 'observedGeneration') ?? 0) < (object.metadata?.generation ?? 0)) return 'GenerationNotObserved';
  if ((count(status, 'availableReplicas') ?? 0) < wanted || (object.kind === 'Deployment' && conditionOf(object, 'Available') === 'False')) return 'ReplicasUnavailable';
  // Enough replicas serve, but old ones may still be among them: a rollout ends when every replica is new and the old are gone.
  if ((count(status, 'updatedReplicas') ?? wanted) < wanted || (count(status, 'replicas') ?? wanted) > wanted) return 'RollingOut';
  return 'Complete';
}

/**
 * What one member reports for a workload, from its objects as listed there.
 *
 * Ready and available replicas are summed over Deployments, StatefulSets and ReplicaSets.
 * Conditions:
 * - `Applied`: True once some generation was applied.
 * - `Available`: True when applied and every replica-carrying object has observed its
 *   generation and has its `spec.replicas` available (a Deployment also must not report
 *   Available=False). A workload without replica-carrying objects is Available once applied.
 * - `Progressing`: True while a rollout is under way (including "applied, not Available yet");
 *   False with reason `Complete` when done, or `ProgressDeadlineExceeded` when a Deployment
 *   reports it gave up; Unknown before the first apply.
 */
export function memberStatusFromObjects(input: MemberStatusInput): MemberWorkloadStatus {
  const counted = input.objects.filter(carriesReplicas);
  const sum = (key: 'readyReplicas' | 'availableReplicas'): number => counted.reduce((total, o) => total + (count(o.status, key) ?? 0), 0);
  const readyReplicas = sum('readyReplicas');
  const availableReplicas = sum('availableReplicas');
  const applied = input.appliedGeneration !== undefined;
  const states = new Set(counted.map(stateOf));
  const replicas = `${availableReplicas}/${input.desiredReplicas} replicas available`;

  let conditions: Condition[];
  if (!applied) {
    conditions = [
      condition('Applied', 'False', 'NotApplied'),
      condition('Available', 'False', 'NotApplied'),
      condition('Progressing', 'Unknown', 'NotApplied'),
    ];
  } else {
    const available = !states.has('Stalled') && !states.has('GenerationNotObserved') && !states.has('ReplicasUnavailable');
    const availableReason = states.has('Stalled') ? 'ProgressDeadlineExceeded' : states.has('GenerationNotObserved') ? 'GenerationNotObserved' : 'ReplicasUnavailable';
    const progressing: Condition = states.has('Stalled')
      ? condition('Progressing', 'False', 'ProgressDeadlineExceeded', replicas)
      : [...states].every((s) => s === 'Complete')
        ? condition('Progressing', 'False', 'Complete', replicas)
        : condition('Progressing', 'True', 'RollingOut', replicas);
    conditions = [
      condition('Applied', 'True', 'Applied', `generation ${input.appliedGeneration}`),
      available ? condition('Available', 'True', 'ReplicasAvailable', replicas) : condition('Available', 'False', availableReason, replicas),
      progressing,
    ];
  }

  const status: MemberWorkloadStatus = {
    cluster: input.cluster,
    desiredReplicas: input.desiredReplicas,
    readyReplicas,
    availableReplicas,
    conditions,
    observedAt: input.observedAt,
  };
  return applied ? { ...status, appliedGeneration: input.appliedGeneration, ...(input.appliedAt === undefined ? {} : { appliedAt: input.appliedAt }) } : status;
}
