import type { SealedSecret } from '../../crypto/src/index.ts';
import type { PlacementDecision, PlacementPolicy } from '../../placement/src/index.ts';

/** Record kinds in the store. */
export const WORKLOAD_KIND = 'workload';
export const OVERRIDE_SET_KIND = 'override-set';
export const NAMESPACE_CLAIM_KIND = 'namespace-claim';
export const PLACEMENT_KIND = 'placement';
export const MEMBER_STATUS_KIND = 'workload-member-status';
export const CLEANUP_KIND = 'cleanup-pending';

/** Labels and annotations every object the hub applies carries (besides app.kubernetes.io/managed-by=flotilla). */
export const WORKLOAD_UID_LABEL = 'flotilla.dev/workload-uid';
export const WORKLOAD_ANNOTATION = 'flotilla.dev/workload';
export const GENERATION_ANNOTATION = 'flotilla.dev/generation';
export const CLUSTER_ANNOTATION = 'flotilla.dev/cluster';

/** A Kubernetes object as the user wrote it: apiVersion, kind and metadata.name are required. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> } & Record<string, unknown>;
  readonly [field: string]: unknown;
}

/** Which clusters an override applies to. Every field that is set must hold; empty matches every cluster. */
export interface OverrideTarget {
  readonly clusters?: readonly string[];
  readonly zones?: readonly string[];
  /** Cluster labels, all of which must match. */
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/** One RFC 6902 operation. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/** Which manifests a change applies to. Absent fields match every manifest. */
export interface ManifestTarget {
  readonly kind?: string;
  readonly name?: string;
}

/**
 * Changes for the clusters a target matches, applied in the order written (override sets first,
 * in the order named, then the workload's own rules).
 */
export interface OverrideRule {
  readonly target: OverrideTarget;
  /** Replaces the image of containers; `container` absent: every container. */
  readonly images?: readonly { readonly container?: string; readonly image: string; readonly manifest?: ManifestTarget }[];
  /** Replaces the workload's replica count for these clusters (per cluster, whatever the division said). */
  readonly replicas?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Sets (or adds) environment variables of containers. */
  readonly env?: readonly { readonly container?: string; readonly name: string; readonly value: string; readonly manifest?: ManifestTarget }[];
  /** Replaces the args of containers. */
  readonly args?: readonly { readonly container?: string; readonly args: readonly string[]; readonly manifest?: ManifestTarget }[];
  /** RFC 6902 operations on the matching manifests. */
  readonly jsonPatch?: readonly { readonly manifest?: ManifestTarget; readonly operations: readonly JsonPatchOperation[] }[];
}

/** Named, reusable overrides ("prod", "test"), referenced by several workloads. */
export interface OverrideSet {
  readonly name: string;
  readonly description?: string;
  readonly rules: readonly OverrideRule[];
}

export type PurgeMode = 'Graceful' | 'Immediate' | 'Never';

/** Stored and validated now; acted on by the failover controller. */
export interface FailoverPolicy {
  /** @defaultValue true */
  readonly enabled: boolean;
  /** How long a cluster may be not Ready before the workload moves. @defaultValue 30 */
  readonly tolerationSeconds: number;
  /** @defaultValue 'Graceful' */
  readonly purgeMode: PurgeMode;
  /** Graceful purge: how long the old copy is kept at most while the new one becomes Available. @defaultValue 300 */
  readonly gracefulTimeoutSeconds: number;
  /** Fenced: never two live copies. Defaults to true when the workload has a StatefulSet. */
  readonly stateful: boolean;
  /** @defaultValue 'Displaced' */
  readonly failback: 'Displaced' | 'Never';
}

/** What a user asks for. */
export interface WorkloadSpec {
  /** DNS-1123 label, unique within the namespace. */
  readonly name: string;
  /** Target namespace on every member; also the workload's namespace on the hub. */
  readonly namespace: string;
  /** Owning tenant; a namespace belongs to one tenant. */
  readonly tenant: string;
  /** Free labels of the workload itself (for list filtering). */
  readonly labels: Readonly<Record<string, string>>;
  readonly manifests: readonly Manifest[];
  readonly placement: PlacementPolicy;
  /** Integer; higher goes first. Named classes map to numbers (see PRIORITY_CLASSES). */
  readonly priority: number;
  /** Names of override sets, applied in this order before `overrides`. */
  readonly overrideSets: readonly string[];
  readonly overrides: readonly OverrideRule[];
  readonly failover: FailoverPolicy;
}

/** A stored workload. `generation` moves on every change of the spec. */
export interface WorkloadRecord {
  readonly uid: string;
  readonly spec: WorkloadSpec;
  readonly generation: number;
  readonly createdAt: string;
  /**
   * The values of the Secret manifests (`data`, `stringData`), sealed with the hub's key ring
   * (context `workload-secrets:<uid>`); in `spec` they read `(sealed)`. Absent without Secrets.
   */
  readonly sealedSecrets?: SealedSecret;
  /** Set when deletion was asked for and copies are being removed. */
  readonly deletionRequestedAt?: string;
  /** Who made this generation (created or last updated it): the caller's subject. */
  readonly changedBy?: string;
}

/** The stored placement of one workload: the latest decision, and which generation it was for. */
export interface PlacementRecord {
  readonly workload: string;
  readonly generation: number;
  readonly decidedAt: string;
  readonly decision: PlacementDecision;
}

/** One entry of the placement history. */
export interface PlacementHistoryEntry {
  readonly generation: number;
  readonly at: string;
  readonly clusters: readonly { readonly name: string; readonly replicas: number }[];
  /** Why it was placed again: 'Created', 'Updated', 'ClusterChanged', 'Retried'… */
  readonly reason: string;
  readonly summary: string;
  /**
   * Who caused it: the subject who made the generation (Created, Updated), or the controller
   * (`system:failover`, `system:placement` for resyncs and cluster changes). Absent in entries
   * written before it was recorded.
   */
  readonly by?: string;
}

export type StatusValue = 'True' | 'False' | 'Unknown';

/** What the hub last saw of one workload on one member. */
export interface MemberWorkloadStatus {
  readonly cluster: string;
  /** The generation whose objects were last applied successfully there. */
  readonly appliedGeneration?: number;
  readonly appliedAt?: string;
  /** Replicas the hub asked of that member (after overrides). */
  readonly desiredReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  /** Available: every replica-carrying object there reports its wanted replicas available. */
  readonly conditions: readonly { readonly type: string; readonly status: StatusValue; readonly reason?: string; readonly message?: string }[];
  readonly observedAt?: string;
  /**
   * The last apply error there, if the last attempt failed; `permanent` ones (refused by the
   * member) are not retried and make the workload Degraded. Kept here rather than on the
   * workload record, so that workers never move the version a client's If-Match names.
   */
  readonly lastError?: { readonly reason: string; readonly permanent: boolean; readonly at: string; readonly generation?: number };
}
