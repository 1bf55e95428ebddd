import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { ValidationError } from '../../errors/src/index.ts';
import { parseWorkload, parseWorkloadDocuments } from './parse-workload.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
};
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } };

const flat = { name: 'web', namespace: 'shop', tenant: 'acme', manifests: [deployment, service] };
const document = { apiVersion: 'flotilla.dev/v1', kind: 'Workload', metadata: { name: 'web', namespace: 'shop' }, spec: { tenant: 'acme', manifests: [deployment, service] } };

const expected = {
  name: 'web',
  namespace: 'shop',
  tenant: 'acme',
  labels: {},
  manifests: [deployment, service],
  placement: { replicaScheduling: { type: 'Duplicated' } },
  priority: 0,
  overrideSets: [],
  overrides: [],
  failover: { enabled: true, tolerationSeconds: 30, purgeMode: 'Graceful', gracefulTimeoutSeconds: 300, stateful: false, failback: 'Displaced' },
};

function refusal(parse: () => unknown): { name: string; reason: string }[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^invalid workload: /);
    return (error as ValidationError).invalidParams.map(({ name, reason }) => ({ name, reason }));
  }
  throw new Error('expected the workload to be refused');
}

describe('parseWorkload', () => {
  it.each<[string, unknown]>([
    ['the flat shape', flat],
    ['the document shape', document],
  ])('accepts %s with defaults', (_what, body) => {
    expect(parseWorkload(body)).toEqual(expected);
  });

  it('reads every field of the flat shape', () => {
    const workload = parseWorkload({
      ...flat,
      labels: { team: 'shop' },
      placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
      priority: 'high',
      overrideSets: ['prod', 'eu'],
      overrides: [{ target: { zones: ['a'] }, replicas: 1 }],
      failover: { enabled: false, tolerationSeconds: 0, purgeMode: 'Never', gracefulTimeoutSeconds: 86_400, stateful: true, failback: 'Never' },
    });
    expect(workload).toMatchObject({
      labels: { team: 'shop' },
      placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
      priority: 500,
      overrideSets: ['prod', 'eu'],
      overrides: [{ target: { zones: ['a'] }, replicas: 1 }],
      failover: { enabled: false, tolerationSeconds: 0, purgeMode: 'Never', gracefulTimeoutSeconds: 86_400, stateful: true, failback: 'Never' },
    });
  });

  it('takes labels from metadata in the document shape', () => {
    expect(parseWorkload({ ...document, metadata: { ...document.metadata, labels: { team: 'shop' } } }).labels).toEqual({ team: 'shop' });
  });

  it('defaults failover to stateful when a StatefulSet is present, unless told otherwise', () => {
    const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1 } };
    expect(parseWorkload({ ...flat, manifests: [statefulSet] }).failover.stateful).toBe(true);
    expect(parseWorkload({ ...flat, manifests: [statefulSet], failover: { stateful: false } }).failover.stateful).toBe(false);
  });

  it('drops status and server-set metadata so kubectl output can be pasted', () => {
    const pasted = {
      ...deployment,
      metadata: {
        ...deployment.metadata,
        namespace: 'shop',
        resourceVersion: '123',
        uid: 'abc',
        creationTimestamp: '2025-01-01T00:00:00Z',
        managedFields: [{}],
        generation: 4,
        selfLink: '/apis/apps/v1/x',
      },
      status: { replicas: 3 },
    };
    expect(parseWorkload({ ...flat, manifests: [pasted] }).manifests).toEqual([{ ...deployment, metadata: { ...deployment.metadata, namespace: 'shop' } }]);
    expect(pasted.status).toEqual({ replicas: 3 });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no object', [flat], 'body', /must be an object/],
    ['an unknown field', { ...flat, replicas: 3 }, 'replicas', /not a known field/],
    ['no name', { ...flat, name: undefined }, 'name', /is required/],
    ['a name that is not DNS-1123', { ...flat, name: 'Web' }, 'name', /DNS-1123 label/],
    ['a namespace that is not DNS-1123', { ...flat, namespace: 'shop_1' }, 'namespace', /DNS-1123 label/],
    ['kube-system', { ...flat, namespace: 'kube-system' }, 'namespace', /reserved for Kubernetes/],
    ['kube-public', { ...flat, namespace: 'kube-public' }, 'namespace', /reserved/],
    ['kube-node-lease', { ...flat, namespace: 'kube-node-lease' }, 'namespace', /reserved/],
    ['no tenant', { ...flat, tenant: undefined }, 'tenant', /is required/],
    ['a tenant that is not DNS-1123', { ...flat, tenant: 'Acme' }, 'tenant', /DNS-1123 label/],
    ['a bad workload label', { ...flat, labels: { 'a b': 'x' } }, 'labels.a b', /key name/],
    ['no manifests', { ...flat, manifests: undefined }, 'manifests', /at least one/],
    ['empty manifests', { ...flat, manifests: [] }, 'manifests', /at least one/],
    ['manifests that are not a list', { ...flat, manifests: deployment }, 'manifests', /must be a list/],
    ['too many manifests', { ...flat, manifests: Array.from({ length: 101 }, (_, i) => ({ ...service, metadata: { name: `s${i}` } })) }, 'manifests', /at most 100/],
    ['a manifest that is not an object', { ...flat, manifests: ['kind: Service'] }, 'manifests[0]', /must be an object/],
    ['a manifest without apiVersion', { ...flat, manifests: [service, { ...deployment, apiVersion: undefined }] }, 'manifests[1].apiVersion', /is required/],
    ['a bad apiVersion', { ...flat, manifests: [{ ...deployment, apiVersion: 'apps/1' }] }, 'manifests[0].apiVersion', /group\/version/],
    ['an apiVersion that is not a string', { ...flat, manifests: [{ ...deployment, apiVersion: 1 }] }, 'manifests[0].apiVersion', /must be a string/],
    ['a manifest without kind', { ...flat, manifests: [service, { ...deployment, kind: undefined }] }, 'manifests[1].kind', /is required/],
    ['a lower-case kind', { ...flat, manifests: [{ ...deployment, kind: 'deployment' }] }, 'manifests[0].kind', /upper-case/],
    ['a Namespace', { ...flat, manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }] }, 'manifests[0].kind', /hub creates and manages the namespace/],
    ...['Node', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService'].map(
      (kind): [string, unknown, string, RegExp] => [`a ${kind}`, { ...flat, manifests: [{ apiVersion: 'x.io/v1', kind, metadata: { name: 'a' } }] }, 'manifests[0].kind', /cluster-scoped; workloads hold namespaced objects/],
    ),
    ['a manifest without metadata', { ...flat, manifests: [{ apiVersion: 'v1', kind: 'Service' }] }, 'manifests[0].metadata', /is required/],
    ['a manifest without name', { ...flat, manifests: [{ ...deployment, metadata: {} }] }, 'manifests[0].metadata.name', /is required/],
    ['a manifest name that is not a subdomain', { ...flat, manifests: [{ ...deployment, metadata: { name: 'Web' } }] }, 'manifests[0].metadata.name', /DNS-1123 subdomain/],
    ['a manifest name too long', { ...flat, manifests: [{ ...deployment, metadata: { name: 'a'.repeat(254) } }] }, 'manifests[0].metadata.name', /at most 253/],
    ['another namespace', { ...flat, manifests: [{ ...service, metadata: { name: 'web', namespace: 'other' } }] }, 'manifests[0].metadata.namespace', /workload's namespace/],
    ['the managed-by label', { ...flat, manifests: [{ ...deployment, metadata: { name: 'web', labels: { 'app.kubernetes.io/managed-by': 'helm' } } }] }, 'manifests[0].metadata.labels.app.kubernetes.io/managed-by', /set by the hub/],
    ['a flotilla.dev label', { ...flat, manifests: [{ ...deployment, metadata: { name: 'web', labels: { 'flotilla.dev/x': 'y' } } }] }, 'manifests[0].metadata.labels.flotilla.dev/x', /reserved for the hub/],
    ['a bad manifest label', { ...flat, manifests: [{ ...deployment, metadata: { name: 'web', labels: { app: 'a b' } } }] }, 'manifests[0].metadata.labels.app', /value must be/],
    ['a duplicate manifest', { ...flat, manifests: [deployment, service, { ...deployment, apiVersion: 'apps/v1beta1' }] }, 'manifests[2]', /repeats the API group, kind and name of manifests\[0\]/],
    ['negative replicas', { ...flat, manifests: [{ ...deployment, spec: { replicas: -1 } }] }, 'manifests[0].spec.replicas', /integer of at least 0/],
    ['fractional StatefulSet replicas', { ...flat, manifests: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1.5 } }] }, 'manifests[0].spec.replicas', /integer/],
    ['string ReplicaSet replicas', { ...flat, manifests: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { replicas: '2' } }] }, 'manifests[0].spec.replicas', /integer/],
    ['a bad placement', { ...flat, placement: { spread: [{ by: 'zone', min: 0 }], replicaScheduling: { type: 'Duplicated' } } }, 'placement.spread[0].min', /at least 1/],
    ['a placement without scheduling', { ...flat, placement: {} }, 'placement.replicaScheduling', /is required/],
    ['a bad priority', { ...flat, priority: 'urgent' }, 'priority', /integer from -1000000 to 1000000 or one of/],
    ['a bad override set name', { ...flat, overrideSets: ['Prod'] }, 'overrideSets[0]', /DNS-1123 label/],
    ['a repeated override set', { ...flat, overrideSets: ['prod', 'eu', 'prod'] }, 'overrideSets[2]', /repeats/],
    ['override sets that are not a list', { ...flat, overrideSets: 'prod' }, 'overrideSets', /list of override set names/],
    ['a bad override', { ...flat, overrides: [{ replicas: 1, images: [{ image: 'a b' }] }] }, 'overrides[0].images[0].image', /without whitespace/],
    ['failover that is not an object', { ...flat, failover: true }, 'failover', /must be an object/],
    ['an unknown failover field', { ...flat, failover: { mode: 'x' } }, 'failover.mode', /not a known field/],
    ['enabled that is not a boolean', { ...flat, failover: { enabled: 'yes' } }, 'failover.enabled', /true or false/],
    ['a long toleration', { ...flat, failover: { tolerationSeconds: 86_401 } }, 'failover.tolerationSeconds', /integer from 0 to 86400/],
    ['a zero graceful timeout', { ...flat, failover: { gracefulTimeoutSeconds: 0 } }, 'failover.gracefulTimeoutSeconds', /integer from 1 to 86400/],
    ['an unknown purge mode', { ...flat, failover: { purgeMode: 'Soft' } }, 'failover.purgeMode', /Graceful, Immediate, Never/],
    ['an unknown failback', { ...flat, failover: { failback: 'Always' } }, 'failover.failback', /Displaced, Never/],
    ['stateful that is not a boolean', { ...flat, failover: { stateful: 1 } }, 'failover.stateful', /true or false/],
  ])('refuses %s (flat shape)', (_what, body, name, reason) => {
    expect(refusal(() => parseWorkload(body))).toContainEqual({ name, reason: expect.stringMatching(reason) as unknown as string });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['another apiVersion', { ...document, apiVersion: 'flotilla.dev/v2' }, 'apiVersion', /must be flotilla.dev\/v1/],
    ['an unknown top-level field', { ...document, extra: 1 }, 'extra', /not a known field/],
    ['no metadata', { ...document, metadata: undefined }, 'metadata', /is required/],
    ['no spec', { ...document, spec: undefined }, 'spec', /is required/],
    ['a name in spec', { ...document, spec: { ...document.spec, name: 'web' } }, 'spec.name', /not a known field/],
    ['unknown metadata', { ...document, metadata: { ...document.metadata, annotations: {} } }, 'metadata.annotations', /not a known field/],
    ['a bad name', { ...document, metadata: { name: 'Web', namespace: 'shop' } }, 'metadata.name', /DNS-1123/],
    ['a reserved namespace', { ...document, metadata: { name: 'web', namespace: 'kube-system' } }, 'metadata.namespace', /reserved/],
    ['a bad label', { ...document, metadata: { ...document.metadata, labels: { a: 'b c' } } }, 'metadata.labels.a', /value must be/],
    ['no tenant', { ...document, spec: { manifests: [service] } }, 'spec.tenant', /is required/],
    ['a manifest without kind', { ...document, spec: { ...document.spec, manifests: [service, { ...deployment, kind: undefined }] } }, 'spec.manifests[1].kind', /is required/],
    ['a bad spread', { ...document, spec: { ...document.spec, placement: { replicaScheduling: { type: 'Duplicated' }, spread: [{ by: 'zone', min: 0 }] } } }, 'spec.placement.spread[0].min', /at least 1/],
    ['a bad failover', { ...document, spec: { ...document.spec, failover: { purgeMode: 'x' } } }, 'spec.failover.purgeMode', /Graceful/],
  ])('refuses %s (document shape)', (_what, body, name, reason) => {
    expect(refusal(() => parseWorkload(body))).toContainEqual({ name, reason: expect.stringMatching(reason) as unknown as string });
  });

  it('names every bad field at once', () => {
    const names = refusal(() => parseWorkload({ name: 'A', namespace: 'kube-system', manifests: [{ kind: 'Namespace' }], priority: 1.5 })).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['name', 'namespace', 'tenant', 'manifests[0].apiVersion', 'manifests[0].kind', 'manifests[0].metadata', 'priority']));
  });

  it('never quotes a refused value', () => {
    const secret = 'p@ss w0rd';
    const params = refusal(() =>
      parseWorkload({
        name: secret,
        namespace: secret,
        tenant: secret,
        labels: { a: secret },
        manifests: [{ apiVersion: secret, kind: secret, metadata: { name: secret, namespace: secret, labels: { a: secret } } }],
        priority: secret,
        overrideSets: [secret],
        failover: { purgeMode: secret, failback: secret },
        placement: { replicaScheduling: { type: secret } },
      }),
    );
    expect(params.length).toBeGreaterThan(10);
    expect(JSON.stringify(params)).not.toContain(secret);
  });
});

describe('parseWorkloadDocuments', () => {
  const yaml = `
apiVersion: flotilla.dev/v1
kind: Workload
metadata:
  name: web
  namespace: shop
  labels: {team: shop}
spec:
  tenant: acme
  manifests:
  - ${JSON.stringify(deployment)}
  priority: critical
---
${JSON.stringify(service)}
---
`;
  const documents = (text: string): unknown[] => parseAllDocuments(text).map((doc) => (doc as { toJS(): unknown }).toJS());

  it('appends the other documents to spec.manifests, skipping empty ones', () => {
    expect(parseWorkloadDocuments(documents(yaml))).toEqual({ ...expected, labels: { team: 'shop' }, priority: 1000 });
  });

  it('accepts the Workload document after the manifests, and without spec.manifests', () => {
    const { manifests: _, ...spec } = document.spec;
    expect(parseWorkloadDocuments([deployment, { ...document, spec }, service]).manifests).toEqual([deployment, service]);
  });

  it('reads a lone document without kind as the flat shape', () => {
    expect(parseWorkloadDocuments([flat])).toEqual(expected);
  });

  it.each<[string, unknown[], string, RegExp]>([
    ['no Workload document', [deployment, service], 'documents', /one document with apiVersion flotilla.dev\/v1 and kind Workload/],
    ['nothing', [null], 'documents', /one document/],
    ['two Workload documents', [document, service, document], 'documents[2]', /second Workload document/],
    ['a Workload of another version', [document, { ...document, apiVersion: 'flotilla.dev/v2' }], 'documents[1].apiVersion', /must be flotilla.dev\/v1/],
    ['a bad manifest document', [document, { ...service, kind: 'Namespace' }], 'documents[1].kind', /manages the namespace/],
    ['a manifest document that is not an object', [document, 'text'], 'documents[1]', /must be an object/],
    ['a document repeating a manifest', [document, deployment], 'documents[1]', /repeats the API group, kind and name of spec.manifests\[0\]/],
    ['a bad field of the Workload document', [service, { ...document, spec: { ...document.spec, tenant: 'A' } }], 'spec.tenant', /DNS-1123/],
    ['a manifest of another namespace', [{ ...document, spec: { tenant: 'acme' } }, { ...service, metadata: { name: 'x', namespace: 'other' } }], 'documents[1].metadata.namespace', /workload's namespace/],
  ])('refuses %s', (_what, docs, name, reason) => {
    expect(refusal(() => parseWorkloadDocuments(docs))).toContainEqual({ name, reason: expect.stringMatching(reason) as unknown as string });
  });

  it('counts manifests of every document toward the limit', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...service, metadata: { name: `s${i}` } }));
    expect(refusal(() => parseWorkloadDocuments([document, ...many]))).toContainEqual({ name: 'spec.manifests', reason: expect.stringMatching(/at most 100/) as unknown as string });
  });
});
