import type { JsonPatchOperation } from './workload.ts';

/**
 * An RFC 6902 operation that cannot be applied. The reason names the operation and the path,
 * never a value: patches live in overrides, and values may be secrets.
 */
export class JsonPatchError extends Error {
  override name = 'JsonPatchError';

  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`JSON patch operation ${index}: ${reason}`);
  }
}

type Container = Record<string, unknown> | unknown[];

/** Why one operation failed; anything else thrown while applying it (an uncloneable value) reads as "not JSON". */
class Failure extends Error {}

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** RFC 6901: "" is the whole document; otherwise "/"-separated tokens with ~1 for "/" and ~0 for "~". */
function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Failure(`pointer ${JSON.stringify(pointer)} does not start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new Failure(`pointer ${JSON.stringify(pointer)} has a "~" not followed by 0 or 1`);
      return token.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

/** The array position a token names; `end` is the largest allowed (length for add, length - 1 otherwise). */
function arrayIndex(token: string, end: number): number {
  if (!ARRAY_INDEX.test(token)) throw new Failure(`"${token}" is not an array index`);
  const index = Number(token);
  if (index > end) throw new Failure(`index ${index} is out of bounds`);
  return index;
}

function child(parent: unknown, token: string): unknown {
  if (Array.isArray(parent)) return parent[arrayIndex(token, parent.length - 1)];
  if (isContainer(parent) && Object.hasOwn(parent, token)) return (parent as Record<string, unknown>)[token];
  throw new Failure(`path segment "${token}" does not exist`);
}

function get(document: unknown, tokens: readonly string[]): unknown {
  return tokens.reduce(child, document);
}

/** The container holding the last token, which must exist (tokens is not empty). */
function parentOf(document: unknown, tokens: readonly string[]): { parent: Container; key: string } {
  const parent = get(document, tokens.slice(0, -1));
  if (!isContainer(parent)) throw new Failure('parent is not an object or array');
  return { parent, key: tokens.at(-1) ?? '' };
}

// defineProperty, not assignment: a "__proto__" key must become data, never the object's prototype.
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function add(document: unknown, tokens: readonly string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(document, tokens);
  if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : arrayIndex(key, parent.length), 0, value);
  else setKey(parent, key, value);
  return document;
}

function remove(document: unknown, tokens: readonly string[]): unknown {
  if (tokens.length === 0) throw new Failure('cannot remove the whole document');
  const { parent, key } = parentOf(document, tokens);
  child(parent, key);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return document;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => equal(v, b[i]));
  const ak = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ak.length === Object.keys(b).length && ak.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], bo[k]));
}

function apply(document: unknown, operation: JsonPatchOperation): unknown {
  const path = parsePointer(operation.path);
  switch (operation.op) {
    case 'add':
      return add(document, path, structuredClone(operation.value));
    case 'remove':
      return remove(document, path);
    case 'replace':
      return path.length === 0 ? structuredClone(operation.value) : add(remove(document, path), path, structuredClone(operation.value));
    case 'test':
      if (!equal(get(document, path), operation.value)) throw new Failure(`test of "${operation.path}" failed`);
      return document;
    case 'copy':
      return add(document, path, structuredClone(get(document, parsePointer(operation.from))));
    case 'move': {
      if (operation.path.startsWith(`${operation.from}/`)) throw new Failure('cannot move a value into itself');
      const from = parsePointer(operation.from);
      const value = get(document, from);
      return from.length === 0 ? value : add(remove(document, from), path, value);
    }
    default:
      throw new Failure('unknown op');
  }
}

/**
 * Applies RFC 6902 operations in order to a copy of `document` (the input and the operations'
 * values are never mutated or shared with the result). All or nothing: throws
 * {@link JsonPatchError} with the failing operation's index on a missing path, a bad array
 * index or pointer, or a failed `test`.
 */
export function applyJsonPatch(document: unknown, operations: readonly JsonPatchOperation[]): unknown {
  let result = structuredClone(document);
  operations.forEach((operation, index) => {
    try {
      result = apply(result, operation);
    } catch (error) {
      throw new JsonPatchError(index, error instanceof Failure ? error.message : 'value is not JSON');
    }
  });
  return result;
}
