import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  NetworkingV1Api,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  type V1DeleteOptions,
  type V1ListMeta,
  type V1ObjectMeta,
} from '@kubernetes/client-node';
import {
  type ManagedObjectRef,
  MANAGED_BY_LABEL,
  MANAGED_BY_SELECTOR,
  MANAGED_BY_VALUE,
  type MemberFailure,
  MemberUnreachableError,
  PurgeIncompleteError,
} from '../../../../libs/clusters/src/index.ts';
import type { ClusterAccess } from './cluster-access.ts';
import { memberKubeConfig } from './member-kube-config.ts';
import type { MemberPurger } from './member-purger.ts';

/** Each request to the member gets this long. */
export const PURGE_REQUEST_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 500;
const DELETE_CONCURRENCY = 4;

interface MemberApis {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly networking: NetworkingV1Api;
  readonly policy: PolicyV1Api;
  readonly autoscaling: AutoscalingV2Api;
  readonly rbac: RbacAuthorizationV1Api;
}

interface Page {
  readonly items: readonly { readonly metadata?: V1ObjectMeta }[];
  readonly metadata?: V1ListMeta;
}
interface ListParams {
  readonly labelSelector: string;
  readonly limit: number;
  readonly _continue?: string;
}
interface DeleteParams {
  readonly name: string;
  readonly namespace: string;
  readonly body: V1DeleteOptions;
}

interface ManagedKind {
  readonly kind: string;
  list(apis: MemberApis, params: ListParams, options: ConfigurationOptions): Promise<Page>;
  delete(apis: MemberApis, params: DeleteParams, options: ConfigurationOptions): Promise<unknown>;
}

/**
 * The namespaced kinds the hub applies (design: Deployments, StatefulSets, Services, ConfigMaps,
 * Secrets, NetworkPolicies, and what usually travels with them). Namespaces are deliberately
 * absent: deleting a labelled namespace would take unlabelled objects in it along.
 */
const MANAGED_KINDS: readonly ManagedKind[] = [
  { kind: 'Deployment', list: (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o), delete: (a, p, o) => a.apps.deleteNamespacedDeployment(p, o) },
  { kind: 'StatefulSet', list: (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o), delete: (a, p, o) => a.apps.deleteNamespacedStatefulSet(p, o) },
  { kind: 'DaemonSet', list: (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o), delete: (a, p, o) => a.apps.deleteNamespacedDaemonSet(p, o) },
  { kind: 'Job', list: (a, p, o) => a.batch.listJobForAllNamespaces(p, o), delete: (a, p, o) => a.batch.deleteNamespacedJob(p, o) },
  { kind: 'CronJob', list: (a, p, o) => a.batch.listCronJobForAllNamespaces(p, o), delete: (a, p, o) => a.batch.deleteNamespacedCronJob(p, o) },
  { kind: 'Service', list: (a, p, o) => a.core.listServiceForAllNamespaces(p, o), delete: (a, p, o) => a.core.deleteNamespacedService(p, o) },
  { kind: 'ConfigMap', list: (a, p, o) => a.core.listConfigMapForAllNamespaces(p, o), delete: (a, p, o) => a.core.deleteNamespacedConfigMap(p, o) },
  { kind: 'Secret', list: (a, p, o) => a.core.listSecretForAllNamespaces(p, o), delete: (a, p, o) => a.core.deleteNamespacedSecret(p, o) },
  { kind: 'ServiceAccount', list: (a, p, o) => a.core.listServiceAccountForAllNamespaces(p, o), delete: (a, p, o) => a.core.deleteNamespacedServiceAccount(p, o) },
  {
    kind: 'PersistentVolumeClaim',
    list: (a, p, o) => a.core.listPersistentVolumeClaimForAllNamespaces(p, o),
    delete: (a, p, o) => a.core.deleteNamespacedPersistentVolumeClaim(p, o),
  },
  { kind: 'NetworkPolicy', list: (a, p, o) => a.networking.listNetworkPolicyForAllNamespaces(p, o), delete: (a, p, o) => a.networking.deleteNamespacedNetworkPolicy(p, o) },
  { kind: 'Ingress', list: (a, p, o) => a.networking.listIngressForAllNamespaces(p, o), delete: (a, p, o) => a.networking.deleteNamespacedIngress(p, o) },
  {
    kind: 'HorizontalPodAutoscaler',
    list: (a, p, o) => a.autoscaling.listHorizontalPodAutoscalerForAllNamespaces(p, o),
    delete: (a, p, o) => a.autoscaling.deleteNamespacedHorizontalPodAutoscaler(p, o),
  },
  {
    kind: 'PodDisruptionBudget',
    list: (a, p, o) => a.policy.listPodDisruptionBudgetForAllNamespaces(p, o),
    delete: (a, p, o) => a.policy.deleteNamespacedPodDisruptionBudget(p, o),
  },
  { kind: 'Role', list: (a, p, o) => a.rbac.listRoleForAllNamespaces(p, o), delete: (a, p, o) => a.rbac.deleteNamespacedRole(p, o) },
  { kind: 'RoleBinding', list: (a, p, o) => a.rbac.listRoleBindingForAllNamespaces(p, o), delete: (a, p, o) => a.rbac.deleteNamespacedRoleBinding(p, o) },
];

/** The kinds a purge covers, for the docs and the API answer. */
export const PURGED_KINDS: readonly string[] = MANAGED_KINDS.map((kind) => kind.kind);

/** Per-request options that bound each call with a timeout. */
function timeoutOptions(timeoutMs: number): ConfigurationOptions {
  const timeout: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [timeout], middlewareMergeStrategy: 'append' };
}

/** Why a request failed, in words that carry nothing from the request (no token, no body). */
export function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof ApiException) return `HTTP ${error.code}`;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
    const cause: unknown = error.cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code) return `connection failed (${code})`;
    return `request failed (${error.name})`;
  }
  return 'request failed';
}

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

function apisFor(kc: KubeConfig): MemberApis {
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    policy: kc.makeApiClient(PolicyV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
  };
}

interface Listed extends ManagedObjectRef {
  readonly uid: string;
  readonly managedKind: ManagedKind;
}

/** Purges through the member's Kubernetes API with @kubernetes/client-node. */
export class KubernetesMemberPurger implements MemberPurger {
  constructor(private readonly timeoutMs = PURGE_REQUEST_TIMEOUT_MS) {}

  async purge(access: ClusterAccess): Promise<ManagedObjectRef[]> {
    const apis = apisFor(memberKubeConfig(access));
    const options = timeoutOptions(this.timeoutMs);

    // 1. List every kind, all pages. Any failure stops here: an error is never "nothing to delete".
    const lists = await Promise.allSettled(MANAGED_KINDS.map((kind) => this.listAll(apis, kind, options)));
    const failures: MemberFailure[] = [];
    const listed: Listed[] = [];
    lists.forEach((result, i) => {
      const kind = MANAGED_KINDS[i] as ManagedKind;
      if (result.status === 'rejected') failures.push({ operation: `list ${kind.kind}`, reason: describeFailure(result.reason, this.timeoutMs) });
      else listed.push(...result.value);
    });
    if (failures.length > 0) throw new MemberUnreachableError(access.name, failures);

    // 2. Delete what was listed, each only if it is still the object that was listed (uid).
    const deleted: ManagedObjectRef[] = [];
    const deleteFailures: MemberFailure[] = [];
    const queue = [...listed];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const object = next;
        const ref = { kind: object.kind, namespace: object.namespace, name: object.name };
        try {
          await object.managedKind.delete(
            apis,
            { name: object.name, namespace: object.namespace, body: { preconditions: { uid: object.uid }, propagationPolicy: 'Background' } },
            options,
          );
          deleted.push(ref);
        } catch (error) {
          const status = statusOf(error);
          // 404: already gone. 409: replaced by another object of that name since the list; that
          // one was not seen with the label, so it is left alone.
          if (status === 404 || status === 409) continue;
          deleteFailures.push({ operation: `delete ${object.kind} ${object.namespace}/${object.name}`, reason: describeFailure(error, this.timeoutMs) });
        }
      }
    };
    await Promise.all(Array.from({ length: DELETE_CONCURRENCY }, worker));
    const byName = (a: ManagedObjectRef, b: ManagedObjectRef): number =>
      `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`);
    deleted.sort(byName);
    if (deleteFailures.length > 0) throw new PurgeIncompleteError(access.name, deleted, deleteFailures);
    return deleted;
  }

  private async listAll(apis: MemberApis, kind: ManagedKind, options: ConfigurationOptions): Promise<Listed[]> {
    const out: Listed[] = [];
    let token: string | undefined;
    do {
      const page = await kind.list(apis, { labelSelector: MANAGED_BY_SELECTOR, limit: PAGE_SIZE, ...(token ? { _continue: token } : {}) }, options);
      for (const item of page.items) {
        const metadata = item.metadata;
        // The server filtered by label; check again, so that nothing unlabelled is ever deleted.
        if (metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || !metadata.name || !metadata.namespace || !metadata.uid) continue;
        out.push({ kind: kind.kind, namespace: metadata.namespace, name: metadata.name, uid: metadata.uid, managedKind: kind });
      }
      token = page.metadata?._continue || undefined;
    } while (token);
    return out;
  }
}
