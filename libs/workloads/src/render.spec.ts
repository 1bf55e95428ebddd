import { describe, expect, it } from '@jest/globals';
import { JsonPatchError } from './json-patch.ts';
import { InvalidOverrideResultError, MissingOverrideSetError, objectKey, renderForCluster, replicaCount, type RenderedObject, type RenderInput } from './render.ts';
import type { Manifest, OverrideRule, OverrideSet, WorkloadSpec } from './workload.ts';

const deployment: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    replicas: 6,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        initContainers: [{ name: 'migrate', image: 'migrate:1' }],
        containers: [
          { name: 'app', image: 'web:1', env: [{ name: 'MODE', value: 'dev' }], args: ['--a'] },
          { name: 'proxy', image: 'envoy:1' },
        ],
      },
    },
  },
};
const configMap: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'elsewhere' }, data: { a: '1' } };
const cronJob: Manifest = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'job:1' }] } } } } },
};

function workload(overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  return {
    name: 'shop',
    namespace: 'team-a',
    tenant: 'acme',
    labels: {},
    manifests: [deployment, configMap, cronJob],
    placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' } },
    priority: 0,
    overrideSets: [],
    overrides: [],
    failover: { enabled: true, tolerationSeconds: 30, purgeMode: 'Graceful', gracefulTimeoutSeconds: 300, stateful: false, failback: 'Displaced' },
    ...overrides,
  };
}

const cluster = { name: 'eu-a1', labels: { 'topology.kubernetes.io/zone': 'eu1a', tier: 'prod' } };

function render(spec: WorkloadSpec, sets: readonly OverrideSet[] = [], extra: Partial<RenderInput> = {}): RenderedObject[] {
  return renderForCluster({ spec, uid: 'uid-1', generation: 3, cluster, replicas: 2, overrideSets: new Map(sets.map((s) => [s.name, s])), ...extra });
}

const at = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], object);
const withRule = (rule: Omit<OverrideRule, 'target'> & { target?: OverrideRule['target'] }): WorkloadSpec => workload({ overrides: [{ target: {}, ...rule }] });

describe('renderForCluster', () => {
  it('namespaces copies, sets the cluster replicas and marks ownership, leaving the spec and pod templates alone', () => {
    const spec = workload();
    const before = structuredClone(spec);
    const [web, config, nightly] = render(spec);
    expect(spec).toEqual(before);
    expect(at(web, 'metadata')).toEqual({
      name: 'web',
      namespace: 'team-a',
      labels: { app: 'web', 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/workload-uid': 'uid-1' },
      annotations: { 'flotilla.dev/workload': 'team-a/shop', 'flotilla.dev/generation': '3', 'flotilla.dev/cluster': 'eu-a1' },
    });
    expect(at(web, 'spec.replicas')).toBe(2);
    expect(at(web, 'spec.template.metadata.labels')).toEqual({ app: 'web' });
    expect(at(config, 'metadata.namespace')).toBe('team-a');
    expect(at(config, 'spec')).toBeUndefined();
    expect(at(nightly, 'metadata.labels')).toEqual({ 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/workload-uid': 'uid-1' });
    expect(at(nightly, 'spec.jobTemplate.spec.template.metadata')).toBeUndefined();
  });

  it.each<[string, OverrideRule['target'], boolean]>([
    ['an empty target', {}, true],
    ['its name', { clusters: ['x', 'eu-a1'] }, true],
    ['another name', { clusters: ['x'] }, false],
    ['an empty name list', { clusters: [] }, false],
    ['its zone', { zones: ['eu1a'] }, true],
    ['another zone', { zones: ['eu1b'] }, false],
    ['all its labels', { matchLabels: { tier: 'prod', 'topology.kubernetes.io/zone': 'eu1a' } }, true],
    ['one label off', { matchLabels: { tier: 'prod', team: 'x' } }, false],
    ['name and zone', { clusters: ['eu-a1'], zones: ['eu1a'] }, true],
    ['name but not zone', { clusters: ['eu-a1'], zones: ['eu1b'] }, false],
  ])('applies a rule targeting %s: %s', (_name, target, applies) => {
    const [web] = render(withRule({ target, annotations: { touched: 'yes' } }));
    expect(at(web, 'metadata.annotations.touched')).toBe(applies ? 'yes' : undefined);
  });

  it.each<[string, Omit<OverrideRule, 'target'>, string, unknown]>([
    ['an image of every container', { images: [{ image: 'x:2' }] }, '0:spec.template.spec.initContainers', [{ name: 'migrate', image: 'x:2' }]],
    ['an image of one container', { images: [{ container: 'proxy', image: 'envoy:2' }] }, '0:spec.template.spec.containers.1.image', 'envoy:2'],
    ['leaving the others', { images: [{ container: 'proxy', image: 'envoy:2' }] }, '0:spec.template.spec.containers.0.image', 'web:1'],
    ['an image in a CronJob', { images: [{ image: 'job:2', manifest: { kind: 'CronJob' } }] }, '2:spec.jobTemplate.spec.template.spec.containers.0.image', 'job:2'],
    ['no image outside the target manifest', { images: [{ image: 'job:2', manifest: { kind: 'CronJob' } }] }, '0:spec.template.spec.containers.0.image', 'web:1'],
    ['replicas', { replicas: 5 }, '0:spec.replicas', 5],
    ['no replicas on a ConfigMap', { replicas: 5 }, '1:spec', undefined],
    ['labels on every manifest', { labels: { tier: 'gold' } }, '1:metadata.labels.tier', 'gold'],
    ['not on pod templates', { labels: { tier: 'gold' } }, '0:spec.template.metadata.labels', { app: 'web' }],
    ['an env value replaced', { env: [{ container: 'app', name: 'MODE', value: 'prod' }] }, '0:spec.template.spec.containers.0.env', [{ name: 'MODE', value: 'prod' }]],
    ['an env value added', { env: [{ container: 'proxy', name: 'MODE', value: 'prod' }] }, '0:spec.template.spec.containers.1.env', [{ name: 'MODE', value: 'prod' }]],
    ['args', { args: [{ container: 'app', args: ['--b', '--c'] }] }, '0:spec.template.spec.containers.0.args', ['--b', '--c']],
    [
      'a JSON patch on the named manifest',
      { jsonPatch: [{ manifest: { kind: 'ConfigMap', name: 'web-config' }, operations: [{ op: 'add', path: '/data/b', value: '2' }] }] },
      '1:data',
      { a: '1', b: '2' },
    ],
  ])('overrides %s', (_name, rule, where, expected) => {
    const [index = '', path = ''] = where.split(':');
    expect(at(render(withRule(rule))[Number(index)], path)).toEqual(expected);
  });

  it('applies override sets in the order named, then the workload rules', () => {
    const sets: OverrideSet[] = [
      { name: 'prod', rules: [{ target: {}, images: [{ container: 'app', image: 'prod:1' }], annotations: { by: 'prod' } }] },
      { name: 'eu', rules: [{ target: { zones: ['eu1a'] }, annotations: { by: 'eu' } }] },
    ];
    const [web] = render(workload({ overrideSets: ['prod', 'eu'], overrides: [{ target: {}, images: [{ container: 'app', image: 'own:1' }] }] }), sets);
    expect(at(web, 'metadata.annotations.by')).toBe('eu');
    expect(at(web, 'spec.template.spec.containers.0.image')).toBe('own:1');
  });

  it('keeps ownership and namespace over any override', () => {
    const [web] = render(
      withRule({
        labels: { 'app.kubernetes.io/managed-by': 'someone', 'flotilla.dev/workload-uid': 'other' },
        annotations: { 'flotilla.dev/cluster': 'x' },
        jsonPatch: [{ operations: [{ op: 'replace', path: '/metadata/namespace', value: 'kube-system' }, { op: 'remove', path: '/metadata/labels' }] }],
      }),
    );
    expect(at(web, 'metadata.namespace')).toBe('team-a');
    expect(at(web, 'metadata.labels')).toEqual({ 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/workload-uid': 'uid-1' });
    expect((at(web, 'metadata.annotations') as Record<string, string>)['flotilla.dev/cluster']).toBe('eu-a1');
  });

  it('throws MissingOverrideSetError for a set that does not exist', () => {
    expect(() => render(workload({ overrideSets: ['prod'] }))).toThrow(new MissingOverrideSetError('prod'));
  });

  it('throws even when the set would not target the cluster', () => {
    expect(() => render(workload({ overrideSets: ['gone'] }), [])).toThrow(MissingOverrideSetError);
  });

  it('lets a failed JSON patch through with its operation index', () => {
    const spec = withRule({
      jsonPatch: [{ manifest: { name: 'web' }, operations: [{ op: 'test', path: '/apiVersion', value: 'apps/v1' }, { op: 'test', path: '/kind', value: 'StatefulSet' }] }],
    });
    expect(() => render(spec)).toThrow(new JsonPatchError(1, 'test of "/kind" failed'));
  });

  it('rejects a JSON patch that leaves no Kubernetes object', () => {
    const spec = withRule({ jsonPatch: [{ manifest: { kind: 'ConfigMap' }, operations: [{ op: 'remove', path: '/metadata/name' }] }] });
    expect(() => render(spec)).toThrow(InvalidOverrideResultError);
  });
});

describe('objectKey', () => {
  it('joins apiVersion, kind, namespace and name', () => {
    expect(objectKey({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'ns', name: 'web' } })).toBe('apps/v1/Deployment/ns/web');
  });
});

describe('replicaCount', () => {
  it.each<[string, readonly Manifest[], number]>([
    ['the first replica-carrying manifest', [configMap, deployment, { ...deployment, spec: { replicas: 9 } }], 6],
    ['1 when it leaves replicas unset', [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: {} }], 1],
    ['0 replicas stays 0', [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { replicas: 0 } }], 0],
    ['0 without a replica-carrying manifest', [configMap, cronJob], 0],
    ['a Deployment of another group does not count', [{ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { replicas: 3 } }], 0],
  ])('%s', (_name, manifests, expected) => {
    expect(replicaCount({ manifests })).toBe(expected);
  });
});
