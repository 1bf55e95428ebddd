import { describe, expect, it } from '@jest/globals';
import { applyJsonPatch, JsonPatchError } from './json-patch.ts';
import type { JsonPatchOperation } from './workload.ts';

type Ops = readonly JsonPatchOperation[];

describe('applyJsonPatch', () => {
  it.each<[string, unknown, Ops, unknown]>([
    ['add a member', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['add replaces an existing member', { a: 1 }, [{ op: 'add', path: '/a', value: [1] }], { a: [1] }],
    ['add inserts into an array', { a: [1, 3] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2, 3] }],
    ['add at the end index', { a: [1] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2] }],
    ['add "-" appends', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['add the whole document', { a: 1 }, [{ op: 'add', path: '', value: [] }], []],
    ['remove a member', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }], { b: 2 }],
    ['remove from an array', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/1' }], { a: [1, 3] }],
    ['replace', { a: { b: 1 } }, [{ op: 'replace', path: '/a/b', value: 'x' }], { a: { b: 'x' } }],
    ['replace in an array', { a: [1, 2] }, [{ op: 'replace', path: '/a/0', value: 9 }], { a: [9, 2] }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: 'x' }], 'x'],
    ['move', { a: { b: 1 }, c: {} }, [{ op: 'move', from: '/a/b', path: '/c/d' }], { a: {}, c: { d: 1 } }],
    ['move within an array', { a: [1, 2, 3] }, [{ op: 'move', from: '/a/0', path: '/a/-' }], { a: [2, 3, 1] }],
    ['copy', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: [1] }, c: { b: [1] } }],
    ['test passes, deep and key-order free', { a: { x: [1, { y: null }], z: 'q' } }, [{ op: 'test', path: '/a', value: { z: 'q', x: [1, { y: null }] } }], { a: { x: [1, { y: null }], z: 'q' } }],
    ['~1 and ~0 escapes', { 'a/b': { 'c~d': 1 } }, [{ op: 'replace', path: '/a~1b/c~0d', value: 2 }], { 'a/b': { 'c~d': 2 } }],
    ['~01 is "~1", not "/"', { '~1': 1 }, [{ op: 'remove', path: '/~01' }], {}],
    ['an empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
    ['operations apply in order', { a: [] }, [{ op: 'add', path: '/a/-', value: 1 }, { op: 'test', path: '/a/0', value: 1 }, { op: 'copy', from: '/a/0', path: '/b' }], { a: [1], b: 1 }],
    ['labels with a slash in the key', { metadata: { labels: {} } }, [{ op: 'add', path: '/metadata/labels/example.com~1tier', value: 'web' }], { metadata: { labels: { 'example.com/tier': 'web' } } }],
  ])('%s', (_name, document, operations, expected) => {
    expect(applyJsonPatch(document, operations)).toEqual(expected);
  });

  it.each<[string, unknown, Ops, number, string]>([
    ['a pointer without a leading slash', { a: 1 }, [{ op: 'remove', path: 'a' }], 0, 'does not start with "/"'],
    ['a bad escape', { a: 1 }, [{ op: 'remove', path: '/a~2' }], 0, 'not followed by 0 or 1'],
    ['a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], 0, 'does not exist'],
    ['a missing parent', { a: 1 }, [{ op: 'add', path: '/b/c', value: 1 }], 0, 'does not exist'],
    ['replace of a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], 0, 'does not exist'],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 1 }], 0, 'out of bounds'],
    ['a leading zero', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }], 0, 'not an array index'],
    ['"-" outside add', { a: [1] }, [{ op: 'remove', path: '/a/-' }], 0, 'not an array index'],
    ['a path through a scalar', { a: 1 }, [{ op: 'add', path: '/a/b', value: 1 }], 0, 'not an object or array'],
    ['a failed test, at its index', { a: 1 }, [{ op: 'test', path: '/a', value: 1 }, { op: 'test', path: '/a', value: 2 }], 1, 'test of "/a" failed'],
    ['a test of a missing path', { a: 1 }, [{ op: 'test', path: '/b', value: 1 }], 0, 'does not exist'],
    ['a move into its own child', { a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 0, 'into itself'],
    ['a copy from a missing path', { a: 1 }, [{ op: 'copy', from: '/x', path: '/b' }], 0, 'does not exist'],
    ['removing the document', { a: 1 }, [{ op: 'remove', path: '' }], 0, 'whole document'],
    ['an unknown op', { a: 1 }, [{ op: 'merge', path: '/a' } as unknown as JsonPatchOperation], 0, 'unknown op'],
  ])('rejects %s', (_name, document, operations, index, reason) => {
    let caught: unknown;
    try {
      applyJsonPatch(document, operations);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonPatchError);
    expect((caught as JsonPatchError).index).toBe(index);
    expect((caught as JsonPatchError).reason).toContain(reason);
  });

  it('never quotes values in its reason', () => {
    expect(() => applyJsonPatch({ password: 'hunter2' }, [{ op: 'test', path: '/password', value: 'letmein' }])).toThrow(/^(?!.*(hunter2|letmein)).*$/);
  });

  it('mutates neither the document nor the operations, and shares nothing with them', () => {
    const document = { a: { b: [1] } };
    const value = { deep: [1] };
    const operations: Ops = [
      { op: 'add', path: '/a/c', value },
      { op: 'remove', path: '/a/b/0' },
    ];
    const before = structuredClone({ document, operations });
    const result = applyJsonPatch(document, operations) as { a: { c: { deep: number[] } } };
    result.a.c.deep.push(2);
    expect({ document, operations }).toEqual(before);
  });

  it('keeps "__proto__" as a plain key', () => {
    const result = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect('polluted' in result).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
