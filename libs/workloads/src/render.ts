import { ZONE_LABEL } from '../../clusters/src/cluster.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../clusters/src/managed-by.ts';
import { applyJsonPatch } from './json-patch.ts';
import {
  CLUSTER_ANNOTATION,
  GENERATION_ANNOTATION,
  WORKLOAD_ANNOTATION,
  WORKLOAD_UID_LABEL,
  type Manifest,
  type ManifestTarget,
  type OverrideRule,
  type OverrideSet,
  type OverrideTarget,
  type WorkloadSpec,
} from './workload.ts';

/** A manifest as applied to one member: namespaced, overridden and labelled as the hub's. */
export type RenderedObject = Manifest & { readonly metadata: { readonly namespace: string } };

/** The workload names an override set that does not exist (never retried: the spec must change). */
export class MissingOverrideSetError extends Error {
  override name = 'MissingOverrideSetError';

  constructor(readonly overrideSet: string) {
    super(`override set "${overrideSet}" does not exist`);
  }
}

/** A jsonPatch override turned a manifest into something that is not a Kubernetes object. */
export class InvalidOverrideResultError extends Error {
  override name = 'InvalidOverrideResultError';

  constructor(readonly manifest: string) {
    super(`a jsonPatch override left ${manifest} without apiVersion, kind or metadata.name`);
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objectAt = (parent: unknown, ...path: string[]): Json | undefined => {
  const found = path.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), parent);
  return isObject(found) ? found : undefined;
};
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Any object with a type: a manifest, a rendered object, or one read back from a member. */
interface Typed {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
}

const groupKind = (o: Typed): string => (typeof o.apiVersion === 'string' && typeof o.kind === 'string' ? `${groupOf(o.apiVersion)}/${o.kind}` : '');

const REPLICA_KINDS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/ReplicaSet']);
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  'apps/Deployment': ['spec', 'template', 'spec'],
  'apps/StatefulSet': ['spec', 'template', 'spec'],
  'apps/DaemonSet': ['spec', 'template', 'spec'],
  'apps/ReplicaSet': ['spec', 'template', 'spec'],
  'batch/Job': ['spec', 'template', 'spec'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  '/Pod': ['spec'],
};

/** Deployments, StatefulSets and ReplicaSets of the apps group: the objects with `spec.replicas`. */
export function carriesReplicas(object: Typed): boolean {
  return REPLICA_KINDS.has(groupKind(object));
}

/** The pod spec of a Pod, or of the pod template of a workload kind; undefined for other kinds. */
export function podSpecOf(object: Typed): Json | undefined {
  const path = POD_TEMPLATE_PATHS[groupKind(object)];
  return path === undefined ? undefined : objectAt(object, ...path);
}

/** `apiVersion/kind/namespace/name`: one object on one member. */
export function objectKey(object: { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly namespace?: string; readonly name: string } }): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/**
 * The workload's replica count: `spec.replicas` of its first replica-carrying manifest, 1 when
 * that manifest leaves it unset (the Kubernetes default). 0 when the workload has no
 * replica-carrying manifest (only DaemonSets, Jobs, Pods, ConfigMaps…): there is nothing to
 * divide, and placement treats it as one copy per selected cluster.
 */
export function replicaCount(spec: Pick<WorkloadSpec, 'manifests'>): number {
  const first = spec.manifests.find(carriesReplicas);
  if (first === undefined) return 0;
  const replicas = objectAt(first, 'spec')?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

export interface RenderInput {
  readonly spec: WorkloadSpec;
  readonly uid: string;
  readonly generation: number;
  readonly cluster: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** This cluster's replicas: its share (Divided) or the full count (Duplicated). */
  readonly replicas: number;
  readonly overrideSets: ReadonlyMap<string, OverrideSet>;
}

type Cluster = RenderInput['cluster'];

/** Every field that is set must hold; `clusters: []` therefore matches no cluster. */
function targets(target: OverrideTarget, cluster: Cluster): boolean {
  const zone = cluster.labels[ZONE_LABEL];
  return (
    (target.clusters === undefined || target.clusters.includes(cluster.name)) &&
    (target.zones === undefined || (zone !== undefined && target.zones.includes(zone))) &&
    Object.entries(target.matchLabels ?? {}).every(([key, value]) => cluster.labels[key] === value)
  );
}

const selects = (target: ManifestTarget | undefined, object: Json): boolean =>
  (target?.kind === undefined || target.kind === object.kind) && (target?.name === undefined || target.name === objectAt(object, 'metadata')?.name);

/** Calls `change` on every container and init container of the selected objects' pod specs. */
function eachContainer(objects: readonly Json[], manifest: ManifestTarget | undefined, container: string | undefined, change: (c: Json) => void): void {
  for (const object of objects) {
    if (!selects(manifest, object)) continue;
    const pod = podSpecOf(object);
    for (const list of [pod?.containers, pod?.initContainers]) {
      if (!Array.isArray(list)) continue;
      for (const c of list) if (isObject(c) && (container === undefined || c.name === container)) change(c);
    }
  }
}

function setReplicas(objects: readonly Json[], replicas: number): void {
  for (const object of objects) {
    const spec = objectAt(object, 'spec');
    if (spec !== undefined && carriesReplicas(object)) spec.replicas = replicas;
  }
}

function mergeMetadata(object: Json, field: 'labels' | 'annotations', values: Readonly<Record<string, string>>): void {
  const metadata = objectAt(object, 'metadata');
  if (metadata !== undefined) metadata[field] = { ...objectAt(metadata, field), ...values };
}

function applyRule(objects: Json[], rule: OverrideRule): void {
  for (const { container, image, manifest } of rule.images ?? []) eachContainer(objects, manifest, container, (c) => (c.image = image));
  if (rule.replicas !== undefined) setReplicas(objects, rule.replicas);
  for (const object of objects) {
    if (rule.labels) mergeMetadata(object, 'labels', rule.labels);
    if (rule.annotations) mergeMetadata(object, 'annotations', rule.annotations);
  }
  for (const { container, name, value, manifest } of rule.env ?? []) {
    eachContainer(objects, manifest, container, (c) => {
      const env = Array.isArray(c.env) ? c.env : [];
      const at = env.findIndex((e) => isObject(e) && e.name === name);
      if (at === -1) env.push({ name, value });
      else env[at] = { name, value };
      c.env = env;
    });
  }
  for (const { container, args, manifest } of rule.args ?? []) eachContainer(objects, manifest, container, (c) => (c.args = [...args]));
  for (const { manifest, operations } of rule.jsonPatch ?? []) {
    objects.forEach((object, i) => {
      if (!selects(manifest, object)) return;
      const patched = applyJsonPatch(object, operations);
      const metadata = objectAt(patched, 'metadata');
      if (!isObject(patched) || typeof patched.apiVersion !== 'string' || typeof patched.kind !== 'string' || typeof metadata?.name !== 'string') {
        throw new InvalidOverrideResultError(`${String(object.kind)} ${String(objectAt(object, 'metadata')?.name)}`);
      }
      objects[i] = patched;
    });
  }
}

/**
 * The objects to apply to one member, in manifest order: deep copies of the manifests in the
 * workload's namespace, with the cluster's replicas on every replica-carrying manifest, then the
 * override rules that target the cluster (named override sets in the order listed, then the
 * workload's own rules), then the hub's ownership labels and annotations. Namespace and
 * ownership are set last, so no override moves an object out of the workload's namespace or
 * disowns it. Pod template labels are left alone: changing them would restart every pod.
 *
 * Images, env and args address `containers` and `initContainers` alike, by name when `container`
 * is given. Throws {@link MissingOverrideSetError}, {@link JsonPatchError} or
 * {@link InvalidOverrideResultError}; all are permanent for this generation of the spec.
 */
export function renderForCluster(input: RenderInput): RenderedObject[] {
  const { spec, cluster } = input;
  const rules = [
    ...spec.overrideSets.flatMap((name) => {
      const set = input.overrideSets.get(name);
      if (set === undefined) throw new MissingOverrideSetError(name);
      return set.rules;
    }),
    ...spec.overrides,
  ].filter((rule) => targets(rule.target, cluster));

  const objects = structuredClone(spec.manifests) as unknown as Json[];
  const inNamespace = (object: Json): void => {
    const metadata = objectAt(object, 'metadata');
    if (metadata !== undefined) metadata.namespace = spec.namespace;
  };
  objects.forEach(inNamespace);
  setReplicas(objects, input.replicas);
  for (const rule of rules) applyRule(objects, rule);
  for (const object of objects) {
    inNamespace(object);
    mergeMetadata(object, 'labels', { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [WORKLOAD_UID_LABEL]: input.uid });
    mergeMetadata(object, 'annotations', {
      [WORKLOAD_ANNOTATION]: `${spec.namespace}/${spec.name}`,
      [GENERATION_ANNOTATION]: String(input.generation),
      [CLUSTER_ANNOTATION]: cluster.name,
    });
  }
  return objects as unknown as RenderedObject[];
}
