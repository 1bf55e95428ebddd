import { parse, stringify } from 'yaml';
import type { InvalidParam } from './api.ts';

/**
 * The workload editor's logic, without React: the form's fields <-> the request body of
 * POST /api/v1/workloads and PUT /api/v1/namespaces/{ns}/workloads/{name} (the flat shape of
 * docs/workloads.md), YAML in and out, and which form field a refused path belongs to.
 */

/** A request body (or the spec of a read workload): a JSON object. */
export type Body = Record<string, unknown>;

export type Scheduling = 'Duplicated' | 'Weighted' | 'AvailableCapacity';

/** What the form shows, as typed: every field is text, so that nothing typed is lost. */
export interface FormState {
  readonly name: string;
  readonly namespace: string;
  readonly tenant: string;
  /** An integer or a class name (high, low…); empty for the default. */
  readonly priority: string;
  readonly image: string;
  readonly replicas: string;
  readonly port: string;
  readonly scheduling: Scheduling;
  /** `cluster=weight` pairs, comma-separated (Weighted only). */
  readonly weights: string;
  readonly zoneSpreadMin: string;
  /** Zones, comma-separated; empty allows every zone. */
  readonly zones: string;
}

export type FieldKey = keyof FormState;

const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectAt = (value: unknown): Body => (isObject(value) ? value : {});
const listAt = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
/** A value as the form shows it: text as is, numbers and booleans written out, anything else as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** The body of a new workload before anything is typed: one Deployment, replicas duplicated. */
export function newWorkloadBody(tenant: string): Body {
  return {
    name: '',
    namespace: '',
    tenant,
    manifests: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: '' },
        spec: { replicas: 1, selector: { matchLabels: { app: '' } }, template: { metadata: { labels: { app: '' } }, spec: { containers: [{ name: '', image: '' }] } } },
      },
    ],
    placement: { replicaScheduling: { type: 'Duplicated' } },
  };
}

/** The flat shape of a body given as the Workload document (`{apiVersion, kind: Workload, metadata, spec}`); others as they are. */
export function flatBody(body: Body): Body {
  if (body.kind !== 'Workload') return body;
  const metadata = objectAt(body.metadata);
  return { name: metadata.name, namespace: metadata.namespace, ...(metadata.labels === undefined ? {} : { labels: metadata.labels }), ...objectAt(body.spec) };
}

/** The form's fields of a body, or why the form cannot show it (then it is edited as YAML). */
export function bodyToForm(input: Body): { form: FormState } | { reasons: string[] } {
  const body = flatBody(input);
  const reasons: string[] = [];
  const manifests = listAt(body.manifests);
  const manifest = objectAt(manifests[0]);
  const containers = listAt(objectAt(objectAt(objectAt(manifest.spec).template).spec).containers);
  if (manifests.length !== 1) reasons.push(`it holds ${manifests.length} manifests and the form shows exactly one Deployment`);
  else if (manifest.kind !== 'Deployment' || manifest.apiVersion !== 'apps/v1') reasons.push(`its manifest is ${text(manifest.apiVersion)} ${text(manifest.kind)}, not an apps/v1 Deployment`);
  else if (containers.length !== 1) reasons.push(`its Deployment has ${containers.length} containers and the form shows exactly one`);
  const container = objectAt(containers[0]);
  const ports = listAt(container.ports);
  if (ports.length > 1) reasons.push('its container has several ports and the form shows one');
  const scheduling = objectAt(objectAt(body.placement).replicaScheduling);
  const preference = scheduling.divisionPreference;
  if (scheduling.type === 'Divided' && preference !== 'Weighted' && preference !== 'AvailableCapacity') reasons.push(`it divides replicas by ${text(preference) || 'no preference'}, which the form does not offer`);
  const weights = listAt(scheduling.weights);
  if (preference === 'Weighted' && !weights.every(isSimpleWeight)) reasons.push('its weights select clusters by labels or by several names, which the form cannot show');
  if (reasons.length > 0) return { reasons };
  const zone = listAt(objectAt(body.placement).spread).map(objectAt).find((s) => s.by === 'zone');
  return {
    form: {
      name: text(body.name),
      namespace: text(body.namespace),
      tenant: text(body.tenant),
      priority: text(body.priority),
      image: text(container.image),
      replicas: text(objectAt(manifest.spec).replicas),
      port: text(objectAt(ports[0]).containerPort),
      scheduling: scheduling.type !== 'Divided' ? 'Duplicated' : (preference as Scheduling),
      weights: weights
        .map(objectAt)
        .map((w) => `${text(listAt(w.names)[0])}=${text(w.weight)}`)
        .join(', '),
      zoneSpreadMin: text(zone?.min),
      zones: listAt(objectAt(objectAt(body.placement).clusterAffinity).zones).map(text).join(', '),
    },
  };
}

/** A weight rule the form can show: one cluster name and a weight. */
function isSimpleWeight(rule: unknown): boolean {
  const object = objectAt(rule);
  return Object.keys(object).every((key) => key === 'names' || key === 'weight') && listAt(object.names).length === 1;
}

/** An integer as typed becomes a number; anything else goes as typed, for the hub to refuse with its reason. */
function integerOrText(value: string): number | string {
  const trimmed = value.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

const commaList = (value: string): string[] =>
  value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');

function parseWeights(value: string): Body[] {
  return commaList(value).map((pair) => {
    const at = pair.indexOf('=');
    if (at === -1) return { names: [pair] };
    return { names: [pair.slice(0, at).trim()], weight: integerOrText(pair.slice(at + 1)) };
  });
}

/** `value` where it equals `previous` (the name it followed), else `value` as is. */
const follow = (current: unknown, previous: unknown, next: string): unknown => (current === previous ? next : current);

/** The Deployment with the form's image, replicas and port; its name and `app` label follow the workload's name when they did before. */
function deploymentOf(manifest: Body, form: FormState, previousName: unknown): Body {
  const spec = objectAt(manifest.spec);
  const template = objectAt(spec.template);
  const podSpec = objectAt(template.spec);
  const container = objectAt(listAt(podSpec.containers)[0]);
  const selector = objectAt(spec.selector);
  const matchLabels = objectAt(selector.matchLabels);
  const templateMetadata = objectAt(template.metadata);
  const templateLabels = objectAt(templateMetadata.labels);
  const metadata = objectAt(manifest.metadata);
  const { ports: _ports, ...containerRest } = container;
  const { replicas: _replicas, ...specRest } = spec;
  const nextContainer: Body = {
    ...containerRest,
    name: follow(container.name, previousName, form.name),
    image: form.image.trim(),
    ...(form.port.trim() === '' ? {} : { ports: [{ ...objectAt(listAt(container.ports)[0]), containerPort: integerOrText(form.port) }] }),
  };
  return {
    ...manifest,
    metadata: { ...metadata, name: follow(metadata.name, previousName, form.name) },
    spec: {
      ...(form.replicas.trim() === '' ? {} : { replicas: integerOrText(form.replicas) }),
      ...specRest,
      ...(isObject(spec.selector) && 'app' in matchLabels ? { selector: { ...selector, matchLabels: { ...matchLabels, app: follow(matchLabels.app, previousName, form.name) } } } : {}),
      template: {
        ...template,
        ...('app' in templateLabels ? { metadata: { ...templateMetadata, labels: { ...templateLabels, app: follow(templateLabels.app, previousName, form.name) } } } : {}),
        spec: { ...podSpec, containers: [nextContainer] },
      },
    },
  };
}

function replicaSchedulingOf(form: FormState): Body {
  if (form.scheduling === 'Duplicated') return { type: 'Duplicated' };
  if (form.scheduling === 'AvailableCapacity') return { type: 'Divided', divisionPreference: 'AvailableCapacity' };
  return { type: 'Divided', divisionPreference: 'Weighted', weights: parseWeights(form.weights) };
}

/** The placement with the form's scheduling, zone spread minimum and zones; what the form does not show is kept. */
function placementOf(placement: Body, form: FormState): Body {
  const { spread: _spread, clusterAffinity: _affinity, ...rest } = placement;
  const spread = listAt(placement.spread);
  const zoneIndex = spread.findIndex((s) => objectAt(s).by === 'zone');
  const { min: _min, ...zoneRest } = objectAt(spread[zoneIndex]);
  const zoneEntry: Body | undefined = form.zoneSpreadMin.trim() !== '' ? { ...zoneRest, by: 'zone', min: integerOrText(form.zoneSpreadMin) } : 'max' in zoneRest ? zoneRest : undefined;
  const nextSpread = zoneIndex === -1 ? [...spread, ...(zoneEntry ? [zoneEntry] : [])] : spread.flatMap((s, i) => (i !== zoneIndex ? [s] : zoneEntry ? [zoneEntry] : []));
  const { zones: _zones, ...affinityRest } = objectAt(placement.clusterAffinity);
  const zones = commaList(form.zones);
  const affinity: Body = { ...affinityRest, ...(zones.length > 0 ? { zones } : {}) };
  return {
    ...(Object.keys(affinity).length > 0 ? { clusterAffinity: affinity } : {}),
    ...rest,
    ...(nextSpread.length > 0 ? { spread: nextSpread } : {}),
    replicaScheduling: replicaSchedulingOf(form),
  };
}

/**
 * The request body of the form's fields over `base` (the body being edited): the fields the form
 * shows are replaced, everything else (labels, overrides, failover, other placement rules, other
 * fields of the Deployment) is kept as it was.
 */
export function formToBody(form: FormState, base: Body): Body {
  const { priority: _priority, ...rest } = flatBody(base);
  const manifest = objectAt(listAt(rest.manifests)[0]);
  return {
    ...rest,
    name: form.name.trim(),
    namespace: form.namespace.trim(),
    tenant: form.tenant.trim(),
    ...(form.priority.trim() === '' ? {} : { priority: integerOrText(form.priority) }),
    manifests: [deploymentOf(manifest, form, rest.name)],
    placement: placementOf(objectAt(rest.placement), form),
  };
}

/** Paths of the fields the form sends that the hub does not check itself (docs/workloads.md: manifests are taken as written). */
export const IMAGE_PATH = 'manifests[0].spec.template.spec.containers[0].image';
export const PORT_PATH = 'manifests[0].spec.template.spec.containers[0].ports[0].containerPort';

/** What the hub would store but a member could not run: refused before sending, under the paths the hub would use. */
export function formProblems(form: FormState): InvalidParam[] {
  const problems: InvalidParam[] = [];
  if (form.image.trim() === '') problems.push({ name: IMAGE_PATH, reason: 'is required' });
  const port = integerOrText(form.port);
  if (form.port.trim() !== '' && (typeof port !== 'number' || port < 1 || port > 65_535)) problems.push({ name: PORT_PATH, reason: 'must be an integer from 1 to 65535' });
  return problems;
}

/** Which form field each refused path belongs to: the path itself or anything under it. First match wins. */
const FIELD_PATHS: readonly (readonly [FieldKey, readonly string[]])[] = [
  ['name', ['name', 'manifests[0].metadata.name']],
  ['namespace', ['namespace', 'manifests[0].metadata.namespace']],
  ['tenant', ['tenant']],
  ['priority', ['priority']],
  ['replicas', ['manifests[0].spec.replicas']],
  ['image', [IMAGE_PATH]],
  ['port', ['manifests[0].spec.template.spec.containers[0].ports']],
  ['weights', ['placement.replicaScheduling.weights']],
  ['scheduling', ['placement.replicaScheduling']],
  ['zones', ['placement.clusterAffinity.zones']],
];

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

/**
 * The form field a refused path (as the hub names it in `invalidParams`) belongs to, or
 * undefined when the form has no such field. `body` is what was sent: the zone spread entry is
 * found in it by position.
 */
export function fieldOf(path: string, body: Body): FieldKey | undefined {
  const match = FIELD_PATHS.find(([, prefixes]) => prefixes.some((prefix) => under(path, prefix)));
  if (match) return match[0];
  const zoneIndex = listAt(objectAt(body.placement).spread).findIndex((s) => objectAt(s).by === 'zone');
  if (zoneIndex !== -1 && under(path, `placement.spread[${zoneIndex}]`)) return 'zoneSpreadMin';
  return undefined;
}

/** The reasons for each form field, from the refused params (each reason once). */
export function reasonsByField(params: readonly InvalidParam[], body: Body): Partial<Record<FieldKey, string[]>> {
  const byField: Partial<Record<FieldKey, string[]>> = {};
  for (const param of params) {
    const key = fieldOf(param.name, body);
    if (key === undefined) continue;
    const reasons = (byField[key] ??= []);
    if (!reasons.includes(param.reason)) reasons.push(param.reason);
  }
  return byField;
}

/** A YAML text read: the body, or the syntax error with its line and column. */
export type YamlRead = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly message: string; readonly line?: number; readonly column?: number };

/** Reads the YAML text of a body (one document). */
export function readYaml(source: string): YamlRead {
  if (source.trim() === '') return { ok: false, message: 'The YAML is empty: write the workload.' };
  try {
    return { ok: true, body: parse(source) as unknown };
  } catch (error) {
    const position = (error as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? '';
    if (position === undefined) return { ok: false, message: `YAML syntax error: ${reason}` };
    return { ok: false, message: `YAML syntax error at line ${position.line}, column ${position.col}: ${reason}`, line: position.line, column: position.col };
  }
}

/** The YAML text of a body. */
export function toYaml(body: unknown): string {
  return stringify(body);
}
