import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../errors/src/index.ts';
import { InvalidParams } from '../../validation/src/index.ts';
import { parseOverrideRules, parseOverrideSet } from './parse-overrides.ts';
import type { OverrideRule } from './workload.ts';

function refusal(body: unknown): { name: string; reason: string }[] {
  try {
    parseOverrideSet(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^invalid override set: /);
    return (error as ValidationError).invalidParams.map(({ name, reason }) => ({ name, reason }));
  }
  throw new Error('expected the override set to be refused');
}

const rule = { target: { clusters: ['east-1'] }, replicas: 2 };
const withRule = (extra: Record<string, unknown>): unknown => ({ name: 'prod', rules: [{ target: {}, ...extra }] });

describe('parseOverrideSet', () => {
  it('accepts a set with every kind of change, as given', () => {
    const rules: OverrideRule[] = [
      {
        target: { clusters: ['east-1'], zones: ['eu-1a'], matchLabels: { tier: 'gold' } },
        images: [{ image: 'registry.example/app:1.2@sha256:abc', container: 'app', manifest: { kind: 'Deployment', name: 'web' } }, { image: 'busybox' }],
        replicas: 0,
        labels: { env: 'prod' },
        annotations: { 'example.com/note': 'any text, with spaces: fine' },
        env: [{ name: 'LOG_LEVEL', value: 'debug' }, { name: 'empty.ok', value: '', container: 'sidecar' }],
        args: [{ args: ['--fast', '--x=1'] }, { args: [], manifest: { kind: 'StatefulSet' } }],
        jsonPatch: [
          {
            manifest: { name: 'web' },
            operations: [
              { op: 'add', path: '/spec/template/metadata/labels/a~1b', value: 'x' },
              { op: 'remove', path: '/spec/paused' },
              { op: 'replace', path: '/spec/minReadySeconds', value: 5 },
              { op: 'move', from: '/spec/a', path: '/spec/b' },
              { op: 'copy', from: '/metadata/name', path: '/spec/c' },
              { op: 'test', path: '/metadata/name', value: 'web' },
              { op: 'add', path: '/spec/d', value: null },
            ],
          },
        ],
      },
      { target: {}, replicas: 10_000 },
    ];
    expect(parseOverrideSet({ name: 'prod', description: 'production', rules })).toEqual({ name: 'prod', description: 'production', rules });
  });

  it('takes an absent target as every cluster', () => {
    expect(parseOverrideSet({ name: 'test', rules: [{ replicas: 1 }] })).toEqual({ name: 'test', rules: [{ target: {}, replicas: 1 }] });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no object', 'prod', 'body', /must be an object/],
    ['no name', { rules: [rule] }, 'name', /is required/],
    ['a name that is not DNS-1123', { name: 'Prod', rules: [rule] }, 'name', /DNS-1123 label/],
    ['a long description', { name: 'prod', description: 'x'.repeat(1025), rules: [rule] }, 'description', /at most 1024/],
    ['a description that is not a string', { name: 'prod', description: 3, rules: [rule] }, 'description', /must be a string/],
    ['no rules', { name: 'prod' }, 'rules', /at least one/],
    ['empty rules', { name: 'prod', rules: [] }, 'rules', /at least one/],
    ['rules that are not a list', { name: 'prod', rules: {} }, 'rules', /list of override rules/],
    ['an unknown field', { name: 'prod', rules: [rule], owner: 'me' }, 'owner', /not a known field/],
    ['a rule that is not an object', { name: 'prod', rules: ['x'] }, 'rules[0]', /must be an object/],
    ['a rule that changes nothing', withRule({}), 'rules[0]', /must change something/],
    ['an unknown rule field', withRule({ replicas: 1, image: 'x' }), 'rules[0].image', /not a known field/],
    ['a bad target cluster', withRule({ replicas: 1, target: { clusters: ['East'] } }), 'rules[0].target.clusters[0]', /DNS-1123/],
    ['an empty target cluster list', withRule({ replicas: 1, target: { clusters: [] } }), 'rules[0].target.clusters', /at least one cluster/],
    ['an empty target zone', withRule({ replicas: 1, target: { zones: [''] } }), 'rules[0].target.zones[0]', /must not be empty/],
    ['a bad target label', withRule({ replicas: 1, target: { matchLabels: { tier: 'a b' } } }), 'rules[0].target.matchLabels.tier', /value must be/],
    ['an unknown target field', withRule({ replicas: 1, target: { regions: ['eu'] } }), 'rules[0].target.regions', /not a known field/],
    ['a target that is not an object', withRule({ replicas: 1, target: 'all' }), 'rules[0].target', /must be an object/],
    ['an image with whitespace', withRule({ images: [{ image: 'app :1' }] }), 'rules[0].images[0].image', /without whitespace/],
    ['an empty image', withRule({ images: [{ image: '' }] }), 'rules[0].images[0].image', /is required/],
    ['an image that is not a string', withRule({ images: [{ image: 3 }] }), 'rules[0].images[0].image', /must be a string/],
    ['empty images', withRule({ images: [] }), 'rules[0].images', /non-empty list/],
    ['a bad container name', withRule({ images: [{ image: 'a', container: 'App' }] }), 'rules[0].images[0].container', /DNS-1123/],
    ['a bad manifest kind', withRule({ images: [{ image: 'a', manifest: { kind: 'deployment' } }] }), 'rules[0].images[0].manifest.kind', /upper-case/],
    ['a bad manifest name', withRule({ images: [{ image: 'a', manifest: { name: 'Web' } }] }), 'rules[0].images[0].manifest.name', /DNS-1123 subdomain/],
    ['an unknown manifest target field', withRule({ images: [{ image: 'a', manifest: { namespace: 'x' } }] }), 'rules[0].images[0].manifest.namespace', /not a known field/],
    ['negative replicas', withRule({ replicas: -1 }), 'rules[0].replicas', /integer from 0 to 10000/],
    ['too many replicas', withRule({ replicas: 10_001 }), 'rules[0].replicas', /integer from 0 to 10000/],
    ['fractional replicas', withRule({ replicas: 1.5 }), 'rules[0].replicas', /integer/],
    ['a bad label key', withRule({ labels: { 'a b': 'x' } }), 'rules[0].labels.a b', /key name/],
    ['a bad label value', withRule({ labels: { a: 'x y' } }), 'rules[0].labels.a', /value must be/],
    ['the managed-by label', withRule({ labels: { 'app.kubernetes.io/managed-by': 'me' } }), 'rules[0].labels.app.kubernetes.io/managed-by', /set by the hub/],
    ['a flotilla.dev label', withRule({ labels: { 'flotilla.dev/workload-uid': 'x' } }), 'rules[0].labels.flotilla.dev/workload-uid', /reserved for the hub/],
    ['a bad annotation key', withRule({ annotations: { '-bad': 'x' } }), 'rules[0].annotations.-bad', /key name/],
    ['an annotation that is not a string', withRule({ annotations: { a: 1 } }), 'rules[0].annotations.a', /must be a string/],
    ['a flotilla.dev annotation', withRule({ annotations: { 'flotilla.dev/generation': '3' } }), 'rules[0].annotations.flotilla.dev/generation', /reserved/],
    ['an env name starting with a digit', withRule({ env: [{ name: '1X', value: 'a' }] }), 'rules[0].env[0].name', /not starting with a digit/],
    ['an env name with a space', withRule({ env: [{ name: 'A B', value: 'a' }] }), 'rules[0].env[0].name', /letters, digits/],
    ['an env without value', withRule({ env: [{ name: 'A' }] }), 'rules[0].env[0].value', /is required/],
    ['an env value that is not a string', withRule({ env: [{ name: 'A', value: 1 }] }), 'rules[0].env[0].value', /must be a string/],
    ['an unknown env field', withRule({ env: [{ name: 'A', value: 'a', valueFrom: {} }] }), 'rules[0].env[0].valueFrom', /not a known field/],
    ['args that are not a list', withRule({ args: [{ args: '--x' }] }), 'rules[0].args[0].args', /list of strings/],
    ['an arg that is not a string', withRule({ args: [{ args: ['--x', 2] }] }), 'rules[0].args[0].args[1]', /must be a string/],
    ['a patch without operations', withRule({ jsonPatch: [{ manifest: { kind: 'Deployment' } }] }), 'rules[0].jsonPatch[0].operations', /is required/],
    ['a patch with no operations', withRule({ jsonPatch: [{ operations: [] }] }), 'rules[0].jsonPatch[0].operations', /non-empty list/],
    ['an unknown op', withRule({ jsonPatch: [{ operations: [{ op: 'merge', path: '/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].op', /add, remove, replace, move, copy, test/],
    ['a path without a slash', withRule({ jsonPatch: [{ operations: [{ op: 'remove', path: 'spec/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].path', /starting with "\/"/],
    ['a path without path', withRule({ jsonPatch: [{ operations: [{ op: 'remove' }] }] }), 'rules[0].jsonPatch[0].operations[0].path', /is required/],
    ['a bad escape', withRule({ jsonPatch: [{ operations: [{ op: 'remove', path: '/a~2b' }] }] }), 'rules[0].jsonPatch[0].operations[0].path', /escape/],
    ['add without value', withRule({ jsonPatch: [{ operations: [{ op: 'add', path: '/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].value', /required with op add/],
    ['replace without value', withRule({ jsonPatch: [{ operations: [{ op: 'replace', path: '/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].value', /required with op replace/],
    ['test without value', withRule({ jsonPatch: [{ operations: [{ op: 'test', path: '/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].value', /required with op test/],
    ['move without from', withRule({ jsonPatch: [{ operations: [{ op: 'move', path: '/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].from', /is required/],
    ['copy with a bad from', withRule({ jsonPatch: [{ operations: [{ op: 'copy', from: 'a', path: '/a' }] }] }), 'rules[0].jsonPatch[0].operations[0].from', /JSON pointer/],
    ['remove with a value', withRule({ jsonPatch: [{ operations: [{ op: 'remove', path: '/a', value: 1 }] }] }), 'rules[0].jsonPatch[0].operations[0].value', /not a known field/],
    ['add with from', withRule({ jsonPatch: [{ operations: [{ op: 'add', path: '/a', value: 1, from: '/b' }] }] }), 'rules[0].jsonPatch[0].operations[0].from', /not a known field/],
    ['a patch of the name', withRule({ jsonPatch: [{ operations: [{ op: 'replace', path: '/metadata/name', value: 'x' }] }] }), 'rules[0].jsonPatch[0].operations[0].path', /may not change/],
    ['a move of the namespace', withRule({ jsonPatch: [{ operations: [{ op: 'move', from: '/metadata/namespace', path: '/spec/x' }] }] }), 'rules[0].jsonPatch[0].operations[0].from', /may not change/],
    ['an operation that is not an object', withRule({ jsonPatch: [{ operations: ['add'] }] }), 'rules[0].jsonPatch[0].operations[0]', /must be an object/],
    ['a bad patch manifest target', withRule({ jsonPatch: [{ manifest: { kind: 'x' }, operations: [{ op: 'remove', path: '/a' }] }] }), 'rules[0].jsonPatch[0].manifest.kind', /upper-case/],
  ])('refuses %s', (_what, body, name, reason) => {
    expect(refusal(body)).toContainEqual({ name, reason: expect.stringMatching(reason) as unknown as string });
  });

  it('never quotes a refused value', () => {
    const secret = 'hunter2 secret';
    const params = refusal({
      name: secret,
      rules: [
        {
          target: { clusters: [secret], zones: [secret], matchLabels: { a: secret } },
          images: [{ image: secret, container: secret }],
          labels: { a: secret },
          env: [{ name: secret, value: 'x' }],
          jsonPatch: [{ operations: [{ op: secret, path: secret }, { op: 'add', path: secret, value: secret }] }],
        },
      ],
    });
    expect(params.length).toBeGreaterThan(6);
    expect(JSON.stringify(params)).not.toContain(secret);
  });
});

describe('parseOverrideRules', () => {
  it('reads absent rules as none, and reports under the given path', () => {
    const issues = new InvalidParams();
    expect(parseOverrideRules(undefined, 'spec.overrides', issues)).toEqual([]);
    parseOverrideRules([{ replicas: -2 }], 'spec.overrides', issues);
    expect(() => issues.throwIfAny('workload')).toThrow('invalid workload: spec.overrides[0].replicas: must be an integer from 0 to 10000');
  });
});
