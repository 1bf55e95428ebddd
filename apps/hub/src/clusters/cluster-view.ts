import {
  type ClusterCapacity,
  type ClusterRecord,
  type ClusterStatus,
  type Condition,
  PROVIDER_LABEL,
  REGION_LABEL,
  type Taint,
  ZONE_LABEL,
} from '../../../../libs/clusters/src/index.ts';
import { effectiveReady } from '../../../../libs/health/src/index.ts';
import type { VersionedRecord } from '../../../../libs/store/src/index.ts';

/** A cluster as the API shows it. Built only from what may be shown: never the credentials. */
export interface ClusterView {
  readonly name: string;
  readonly spec: {
    readonly server: string;
    readonly caBundle?: string;
    readonly zone?: string;
    readonly region?: string;
    readonly provider?: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly Taint[];
    readonly cordoned: boolean;
  };
  readonly credentialType: ClusterRecord['credentialType'];
  readonly credentialsRotatedAt: string;
  /** Id of the encryption key that sealed the credentials (not secret): shows what a key rotation still has to re-seal. */
  readonly credentialsKeyId: string;
  readonly metadata: {
    /** Opaque resourceVersion: send it back in If-Match (or metadata.version) to update safely. */
    readonly version: string;
    readonly createdAt: string;
    readonly updatedAt: string;
  };
  readonly status: {
    /** The Ready condition as of now: Unknown/StatusStale when the last probe is too old, Unknown/NotProbed before the first. */
    readonly ready: Condition;
    readonly conditions: readonly Condition[];
    readonly observedAt?: string;
    readonly capacity?: ClusterCapacity;
    readonly kubernetesVersion?: ClusterStatus['kubernetesVersion'];
    readonly apiGroups?: ClusterStatus['apiGroups'];
  };
}

/**
 * The API view of a registration and its status at `now`. Pure. Fields are copied one by one
 * (no spreading of the record) so that a field added to the record later is not shown by accident.
 */
export function toClusterView(
  record: VersionedRecord<ClusterRecord>,
  status: ClusterStatus | undefined,
  now: Date,
  staleAfterMs: number,
): ClusterView {
  const { spec } = record.data;
  const ready = effectiveReady(status, now, staleAfterMs, record.data.createdAt);
  const label = (key: string): string | undefined => spec.labels[key];
  const zone = label(ZONE_LABEL);
  const region = label(REGION_LABEL);
  const provider = label(PROVIDER_LABEL);
  return {
    name: spec.name,
    spec: {
      server: spec.server,
      ...(spec.caBundle === undefined ? {} : { caBundle: spec.caBundle }),
      ...(zone === undefined ? {} : { zone }),
      ...(region === undefined ? {} : { region }),
      ...(provider === undefined ? {} : { provider }),
      labels: { ...spec.labels },
      taints: spec.taints.map((taint) => ({ ...taint })),
      cordoned: spec.cordoned,
    },
    credentialType: record.data.credentialType,
    credentialsRotatedAt: record.data.credentialsRotatedAt,
    credentialsKeyId: record.data.credentials.keyId,
    metadata: { version: String(record.version), createdAt: record.data.createdAt, updatedAt: record.updatedAt },
    status: {
      ready,
      conditions: [ready, ...(status?.conditions.filter((condition) => condition.type !== 'Ready') ?? [])],
      ...(status === undefined ? {} : { observedAt: status.observedAt }),
      ...(status?.capacity === undefined ? {} : { capacity: status.capacity }),
      ...(status?.kubernetesVersion === undefined ? {} : { kubernetesVersion: status.kubernetesVersion }),
      ...(status?.apiGroups === undefined ? {} : { apiGroups: status.apiGroups }),
    },
  };
}
