import type { SealedSecret } from '../../crypto/src/index.ts';

/**
 * The shared contract of the cluster registry (writes specs and credentials) and the health
 * prober (writes status). Both live in Redis through libs/store as separate records, so an
 * operator's edit and a probe result never contend for the same version:
 *
 * | store kind          | id           | data              | written by       |
 * |---------------------|--------------|-------------------|------------------|
 * | `cluster`           | cluster name | {@link ClusterRecord}  | registry (API)   |
 * | `cluster-status`    | cluster name | {@link ClusterStatus}  | prober (leader)  |
 */

/** Store kind of {@link ClusterRecord}s (id: the cluster name). */
export const CLUSTER_KIND = 'cluster';
/** Store kind of {@link ClusterStatus} records (id: the cluster name). */
export const CLUSTER_STATUS_KIND = 'cluster-status';

/** Well-known label keys; `zone`, `region` and `provider` in the API map onto these. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const PROVIDER_LABEL = 'flotilla.dev/provider';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** As on Kubernetes nodes: keeps workloads away unless they tolerate it. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** What an operator says about a cluster. Everything here may be returned by the API. */
export interface ClusterSpec {
  /** DNS-1123 label, unique; the record id. */
  readonly name: string;
  /** `https://host:port` of the member's API server (`http://` only for loopback, when allowed). */
  readonly server: string;
  /** PEM bundle that verifies the API server's certificate; absent means the system roots. */
  readonly caBundle?: string;
  /** Labels, including {@link ZONE_LABEL}, {@link REGION_LABEL} and {@link PROVIDER_LABEL}. */
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** A cordoned cluster keeps what runs there but gets nothing new. */
  readonly cordoned: boolean;
}

/** How the hub authenticates to a member. Only ever held decrypted in memory, never returned. */
export type ClusterCredentials =
  | { readonly type: 'token'; readonly token: string }
  | { readonly type: 'clientCertificate'; readonly certificatePem: string; readonly keyPem: string };

/**
 * The stored registration. `credentials` is the JSON of {@link ClusterCredentials}, sealed with
 * the hub's SecretBox using the context `cluster:<name>`.
 */
export interface ClusterRecord {
  readonly spec: ClusterSpec;
  readonly credentials: SealedSecret;
  /** Which kind of credential is sealed (safe to return). */
  readonly credentialType: ClusterCredentials['type'];
  readonly createdAt: string;
  readonly credentialsRotatedAt: string;
}

/** The additional authenticated data that binds a sealed credential to its cluster. */
export function credentialsContext(name: string): string {
  return `cluster:${name}`;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** As Kubernetes conditions: the status, why, and since when. */
export interface Condition {
  readonly type: 'Ready';
  readonly status: ConditionStatus;
  /** CamelCase, stable: e.g. `ProbeSucceeded`, `Unreachable`, `Unauthorized`, `Timeout`, `NotProbed`, `StatusStale`. */
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface ResourceAmounts {
  /** CPU in millicores. */
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

export interface ClusterCapacity {
  readonly allocatable: ResourceAmounts;
  /** Sum of the requests of pods that are not finished. */
  readonly requested: ResourceAmounts;
  readonly nodes: { readonly total: number; readonly ready: number };
  readonly observedAt: string;
}

/** What the prober knows of a cluster, and when it learnt it. */
export interface ClusterStatus {
  readonly conditions: readonly Condition[];
  /** When the last probe finished (successful or not). */
  readonly observedAt: string;
  /** Last known capacity; kept when a probe fails, with its own observedAt. */
  readonly capacity?: ClusterCapacity;
  readonly kubernetesVersion?: { readonly gitVersion: string; readonly observedAt: string };
  readonly apiGroups?: { readonly groups: readonly string[]; readonly observedAt: string };
  /** Consecutive successes and failures, for the thresholds. */
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  /** Fencing token of the prober that wrote this status. */
  readonly fencingToken: number;
}
