import { MANAGED_BY_LABEL } from '../../clusters/src/managed-by.ts';
import { dns1123LabelProblem, labelKeyProblem } from '../../clusters/src/names.ts';
import { readLabels } from '../../clusters/src/read-spec-fields.ts';
import { field, InvalidParams, isObject, type JsonObject, optionalString, propertyNames, refuseUnknownFields } from '../../validation/src/index.ts';
import { OVERRIDE_RULE_SCHEMA, OVERRIDE_SET_SCHEMA, OVERRIDE_TARGET_SCHEMA } from './workload-schemas.ts';
import { isOneOf, readClusterNames, readInteger, readMatchLabels, readZones } from './parse-placement-policy.ts';
import type { JsonPatchOperation, ManifestTarget, OverrideRule, OverrideSet, OverrideTarget } from './workload.ts';

const RULE_FIELDS = propertyNames(OVERRIDE_RULE_SCHEMA);
const CHANGE_FIELDS = RULE_FIELDS.filter((name) => name !== 'target');
/** The fields of one item of a rule's list, e.g. `images`. */
const itemFields = (list: string): readonly string[] => propertyNames(OVERRIDE_RULE_SCHEMA.properties?.[list]?.items ?? {});
const PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Paths that name the object: changing them would make the hub lose track of what it applied. */
const IDENTITY_POINTERS = ['/apiVersion', '/kind', '/metadata', '/metadata/name', '/metadata/namespace'];
export const MAX_OVERRIDE_REPLICAS = 10_000;
const MAX_DESCRIPTION = 1024;

/** A kind as Kubernetes writes it: starts with an upper-case letter. */
export function kindProblem(kind: string): string | undefined {
  return KIND.test(kind) ? undefined : 'must start with an upper-case letter, then letters and digits';
}

/** An object name (DNS-1123 subdomain): what most kinds accept in metadata.name. */
export function objectNameProblem(name: string): string | undefined {
  if (name.length > 253) return 'must be at most 253 characters';
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * Label and annotation keys the hub sets itself on what it applies (its managed-by label and the
 * `flotilla.dev/` keys): a user may not set them.
 */
export function reservedKeyProblem(key: string): string | undefined {
  if (key === MANAGED_BY_LABEL) return 'is set by the hub on every object it applies';
  if (key.startsWith('flotilla.dev/')) return 'uses the flotilla.dev/ prefix, which is reserved for the hub';
  return undefined;
}

/** Kubernetes labels under `path`, refusing the hub's own keys. Absent: undefined. */
export function readUserLabels(value: unknown, path: string, issues: InvalidParams): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const labels = readLabels(value, path, issues);
  if (labels === undefined) return undefined;
  let ok = true;
  for (const key of Object.keys(labels)) {
    const problem = reservedKeyProblem(key);
    if (problem) {
      issues.add(field(path, key), problem);
      ok = false;
    }
  }
  return ok ? labels : undefined;
}

/** Kubernetes annotations (any string value) under `path`, refusing the hub's own keys. Absent: undefined. */
export function readUserAnnotations(value: unknown, path: string, issues: InvalidParams): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    issues.add(path, 'must be a map of annotation keys to string values');
    return undefined;
  }
  const annotations: Record<string, string> = {};
  let ok = true;
  for (const [key, annotation] of Object.entries(value)) {
    const problem = labelKeyProblem(key) ?? reservedKeyProblem(key) ?? (typeof annotation === 'string' ? undefined : 'must be a string');
    if (problem) {
      issues.add(field(path, key), problem);
      ok = false;
    } else {
      annotations[key] = annotation as string;
    }
  }
  return ok ? annotations : undefined;
}

/** An array field: undefined when absent; refused (and undefined) when not a non-empty array. */
function readArray(value: unknown, path: string, issues: InvalidParams, shape: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(path, `must be a non-empty list of ${shape}`);
    return undefined;
  }
  return value as unknown[];
}

function readTarget(value: unknown, path: string, issues: InvalidParams): OverrideTarget {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    issues.add(path, 'must be an object {clusters?, zones?, matchLabels?}');
    return {};
  }
  refuseUnknownFields(value, propertyNames(OVERRIDE_TARGET_SCHEMA), path, issues);
  const clusters = readClusterNames(value.clusters, field(path, 'clusters'), issues, 'must list at least one cluster; leave it out to match every cluster');
  const zones = readZones(value.zones, field(path, 'zones'), issues, 'must list at least one zone; leave it out to match every zone');
  const matchLabels = readMatchLabels(value.matchLabels, field(path, 'matchLabels'), issues);
  return {
    ...(clusters === undefined ? {} : { clusters }),
    ...(zones === undefined ? {} : { zones }),
    ...(matchLabels === undefined ? {} : { matchLabels }),
  };
}

function readManifestTarget(value: unknown, path: string, issues: InvalidParams): ManifestTarget | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    issues.add(path, 'must be an object {kind?, name?}');
    return undefined;
  }
  refuseUnknownFields(value, ['kind', 'name'], path, issues);
  const kind = optionalString(value, 'kind', path, issues);
  const name = optionalString(value, 'name', path, issues);
  const kindIssue = kind === undefined ? undefined : kindProblem(kind);
  if (kindIssue) issues.add(field(path, 'kind'), kindIssue);
  const nameIssue = name === undefined ? undefined : objectNameProblem(name);
  if (nameIssue) issues.add(field(path, 'name'), nameIssue);
  return { ...(kind === undefined ? {} : { kind }), ...(name === undefined ? {} : { name }) };
}

/** The `container` and `manifest` fields every per-container change may carry. */
function readContainerScope(item: JsonObject, path: string, issues: InvalidParams): { container?: string; manifest?: ManifestTarget } {
  const container = optionalString(item, 'container', path, issues);
  const containerIssue = container === undefined ? undefined : dns1123LabelProblem(container);
  if (containerIssue) issues.add(field(path, 'container'), containerIssue);
  const manifest = readManifestTarget(item.manifest, field(path, 'manifest'), issues);
  return { ...(container === undefined ? {} : { container }), ...(manifest === undefined ? {} : { manifest }) };
}

/** Reads each object of a list with `read`, which records refusals; undefined when any item was refused. */
function readItems<T>(
  value: unknown,
  path: string,
  issues: InvalidParams,
  shape: string,
  fields: readonly string[],
  read: (item: JsonObject, itemPath: string) => T,
): T[] | undefined {
  const list = readArray(value, path, issues, shape);
  if (list === undefined) return undefined;
  const before = issues.count;
  const items: T[] = [];
  for (const [index, item] of list.entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, `must be an object ${shape}`);
      continue;
    }
    refuseUnknownFields(item, fields, itemPath, issues);
    items.push(read(item, itemPath));
  }
  return issues.count > before ? undefined : items;
}

function requiredStringField(item: JsonObject, key: string, path: string, issues: InvalidParams, allowEmpty = false): string | undefined {
  const value = item[key];
  if (value === undefined || value === null || (!allowEmpty && value === '')) {
    issues.add(field(path, key), 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(field(path, key), 'must be a string');
    return undefined;
  }
  return value;
}

function readImages(value: unknown, path: string, issues: InvalidParams): OverrideRule['images'] {
  return readItems(value, path, issues, '{image, container?, manifest?}', itemFields('images'), (item, itemPath) => {
    const image = requiredStringField(item, 'image', itemPath, issues);
    if (image !== undefined && /\s/.test(image)) issues.add(field(itemPath, 'image'), 'must be an image reference without whitespace');
    return { ...readContainerScope(item, itemPath, issues), image: image ?? '' };
  });
}

function readEnv(value: unknown, path: string, issues: InvalidParams): OverrideRule['env'] {
  return readItems(value, path, issues, '{name, value, container?, manifest?}', itemFields('env'), (item, itemPath) => {
    const name = requiredStringField(item, 'name', itemPath, issues);
    if (name !== undefined && !ENV_NAME.test(name)) {
      issues.add(field(itemPath, 'name'), 'must be letters, digits, "-", "." and "_", not starting with a digit');
    }
    const envValue = requiredStringField(item, 'value', itemPath, issues, true);
    return { ...readContainerScope(item, itemPath, issues), name: name ?? '', value: envValue ?? '' };
  });
}

function readArgs(value: unknown, path: string, issues: InvalidParams): OverrideRule['args'] {
  return readItems(value, path, issues, '{args, container?, manifest?}', itemFields('args'), (item, itemPath) => {
    const args = item.args;
    const argsPath = field(itemPath, 'args');
    if (!Array.isArray(args)) {
      issues.add(argsPath, 'is required: a list of strings (empty for none)');
    } else {
      for (const [index, arg] of (args as unknown[]).entries()) {
        if (typeof arg !== 'string') issues.add(field(argsPath, index), 'must be a string');
      }
    }
    return { ...readContainerScope(item, itemPath, issues), args: Array.isArray(args) ? (args as string[]) : [] };
  });
}

/** Why `pointer` is not an RFC 6901 JSON pointer to a field of a manifest, or undefined. */
function pointerProblem(pointer: string): string | undefined {
  if (!pointer.startsWith('/')) return 'must be a JSON pointer starting with "/"';
  if (/~(?![01])/.test(pointer)) return 'must escape "~" as "~0" and "/" as "~1"';
  return undefined;
}

function readPointer(op: JsonObject, key: 'path' | 'from', opPath: string, issues: InvalidParams, changes: boolean): string | undefined {
  const pointer = requiredStringField(op, key, opPath, issues);
  if (pointer === undefined) return undefined;
  const problem = pointerProblem(pointer);
  if (problem) {
    issues.add(field(opPath, key), problem);
    return undefined;
  }
  if (changes && IDENTITY_POINTERS.includes(pointer)) {
    issues.add(field(opPath, key), 'may not change the apiVersion, kind, name or namespace of a manifest');
    return undefined;
  }
  return pointer;
}

function readOperation(op: JsonObject, opPath: string, issues: InvalidParams): JsonPatchOperation | undefined {
  const name = op.op;
  if (!isOneOf(name, PATCH_OPS)) {
    issues.add(field(opPath, 'op'), `must be one of ${PATCH_OPS.join(', ')}`);
    return undefined;
  }
  const path = readPointer(op, 'path', opPath, issues, name !== 'test');
  if (name === 'move' || name === 'copy') {
    refuseUnknownFields(op, ['op', 'path', 'from'], opPath, issues);
    const from = readPointer(op, 'from', opPath, issues, name === 'move');
    return path === undefined || from === undefined ? undefined : { op: name, from, path };
  }
  if (name === 'remove') {
    refuseUnknownFields(op, ['op', 'path'], opPath, issues);
    return path === undefined ? undefined : { op: name, path };
  }
  refuseUnknownFields(op, ['op', 'path', 'value'], opPath, issues);
  if (!Object.hasOwn(op, 'value') || op.value === undefined) {
    issues.add(field(opPath, 'value'), `is required with op ${name}`);
    return undefined;
  }
  return path === undefined ? undefined : { op: name, path, value: op.value };
}

function readJsonPatch(value: unknown, path: string, issues: InvalidParams): OverrideRule['jsonPatch'] {
  return readItems(value, path, issues, '{operations, manifest?}', ['operations', 'manifest'], (item, itemPath) => {
    const manifest = readManifestTarget(item.manifest, field(itemPath, 'manifest'), issues);
    const operationsPath = field(itemPath, 'operations');
    if (item.operations === undefined || item.operations === null) issues.add(operationsPath, 'is required');
    const operations =
      readItems(item.operations, operationsPath, issues, '{op, path, from?, value?}', ['op', 'path', 'from', 'value'], (op, opPath) =>
        readOperation(op, opPath, issues),
      ) ?? [];
    return { ...(manifest === undefined ? {} : { manifest }), operations: operations as JsonPatchOperation[] };
  });
}

function readRule(value: JsonObject, path: string, issues: InvalidParams): OverrideRule {
  refuseUnknownFields(value, RULE_FIELDS, path, issues);
  if (!CHANGE_FIELDS.some((key) => value[key] !== undefined && value[key] !== null)) {
    issues.add(path, `must change something: give at least one of ${CHANGE_FIELDS.join(', ')}`);
  }
  const target = readTarget(value.target, field(path, 'target'), issues);
  const images = readImages(value.images, field(path, 'images'), issues);
  const replicas = readInteger(value.replicas, field(path, 'replicas'), issues, 0, MAX_OVERRIDE_REPLICAS);
  const labels = readUserLabels(value.labels, field(path, 'labels'), issues);
  const annotations = readUserAnnotations(value.annotations, field(path, 'annotations'), issues);
  const env = readEnv(value.env, field(path, 'env'), issues);
  const args = readArgs(value.args, field(path, 'args'), issues);
  const jsonPatch = readJsonPatch(value.jsonPatch, field(path, 'jsonPatch'), issues);
  return {
    target,
    ...(images === undefined ? {} : { images }),
    ...(replicas === undefined ? {} : { replicas }),
    ...(labels === undefined ? {} : { labels }),
    ...(annotations === undefined ? {} : { annotations }),
    ...(env === undefined ? {} : { env }),
    ...(args === undefined ? {} : { args }),
    ...(jsonPatch === undefined ? {} : { jsonPatch }),
  };
}

/**
 * Checks a list of override rules under `path`, recording every refused field. Absent: no rules.
 * The result is only meaningful when nothing was recorded.
 */
export function parseOverrideRules(value: unknown, path: string, issues: InvalidParams): OverrideRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of override rules');
    return [];
  }
  const rules: OverrideRule[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, 'must be an object {target?, images?, replicas?, labels?, annotations?, env?, args?, jsonPatch?}');
      continue;
    }
    rules.push(readRule(item, itemPath, issues));
  }
  return rules;
}

/**
 * Checks an override set body (decoded JSON or YAML). Throws {@link ValidationError} naming every
 * refused field; reasons never quote values.
 */
export function parseOverrideSet(body: unknown): OverrideSet {
  const issues = new InvalidParams();
  if (!isObject(body)) {
    issues.add('body', 'must be an object {name, description?, rules}');
    issues.throwIfAny('override set');
  }
  const object = body as JsonObject;
  refuseUnknownFields(object, propertyNames(OVERRIDE_SET_SCHEMA), '', issues);
  const name = requiredStringField(object, 'name', '', issues);
  const nameProblem = name === undefined ? undefined : dns1123LabelProblem(name);
  if (nameProblem) issues.add('name', nameProblem);
  const description = optionalString(object, 'description', '', issues);
  if (description !== undefined && description.length > MAX_DESCRIPTION) issues.add('description', `must be at most ${MAX_DESCRIPTION} characters`);
  if (object.rules === undefined || object.rules === null || (Array.isArray(object.rules) && object.rules.length === 0)) {
    issues.add('rules', 'must list at least one override rule');
  }
  const rules = parseOverrideRules(object.rules, 'rules', issues);
  issues.throwIfAny('override set');
  return { name: name as string, ...(description === undefined ? {} : { description }), rules };
}
