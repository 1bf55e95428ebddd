import { describe, expect, it } from '@jest/globals';
import { bodyToForm, type Body, fieldOf, formProblems, formToBody, type FormState, newWorkloadBody, readYaml, reasonsByField, toYaml } from './workload-form.ts';

const FORM: FormState = {
  name: 'web',
  namespace: 'shop',
  tenant: 'team-a',
  priority: 'high',
  image: 'nginx:1.27',
  replicas: '3',
  port: '8080',
  scheduling: 'AvailableCapacity',
  weights: '',
  zoneSpreadMin: '2',
  zones: 'a, b',
};

/** A workload as GET shows its spec: defaults filled in, fields the form does not show. */
const READ: Body = {
  name: 'web',
  namespace: 'shop',
  tenant: 'team-a',
  labels: { team: 'payments' },
  manifests: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web-deploy', labels: { tier: 'front' } },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web-deploy' } },
        template: { metadata: { labels: { app: 'web-deploy' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.26', env: [{ name: 'A', value: '1' }] }] } },
      },
    },
  ],
  placement: {
    clusterAffinity: { matchLabels: { env: 'prod' } },
    spread: [
      { by: 'region', min: 1 },
      { by: 'zone', min: 2, max: 3 },
    ],
    replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ names: ['east-1'], weight: 2 }, { names: ['west-1'], weight: 1 }] },
    tolerations: [{ key: 'dedicated', operator: 'Exists' }],
  },
  priority: 500,
  overrideSets: ['prod'],
  overrides: [],
  failover: { enabled: true, tolerationSeconds: 30, purgeMode: 'Graceful', gracefulTimeoutSeconds: 300, stateful: false, failback: 'Displaced' },
};

describe('workload form', () => {
  it('makes a new workload of one Deployment named after the workload', () => {
    const body = formToBody(FORM, newWorkloadBody('team-a'));
    expect(body).toEqual({
      name: 'web',
      namespace: 'shop',
      tenant: 'team-a',
      priority: 'high',
      manifests: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web' },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] } },
          },
        },
      ],
      placement: { clusterAffinity: { zones: ['a', 'b'] }, spread: [{ by: 'zone', min: 2 }], replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
    });
  });

  it('reads a workload into the form and back without losing what the form does not show', () => {
    const read = bodyToForm(READ);
    expect(read).toEqual({
      form: { name: 'web', namespace: 'shop', tenant: 'team-a', priority: '500', image: 'nginx:1.26', replicas: '4', port: '', scheduling: 'Weighted', weights: 'east-1=2, west-1=1', zoneSpreadMin: '2', zones: '' },
    });
    if (!('form' in read)) throw new Error('no form');
    expect(formToBody(read.form, READ)).toEqual(READ);
  });

  it('changes only what was edited', () => {
    const read = bodyToForm(READ);
    if (!('form' in read)) throw new Error('no form');
    const body = formToBody({ ...read.form, image: 'nginx:1.27', zoneSpreadMin: '', scheduling: 'Duplicated', priority: '' }, READ);
    const manifest = (body.manifests as Body[])[0] as { metadata: { name: string }; spec: { template: { spec: { containers: Body[] } } } };
    expect(manifest.metadata.name).toBe('web-deploy');
    expect(manifest.spec.template.spec.containers).toEqual([{ name: 'main', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] }]);
    expect(body.placement).toEqual({
      clusterAffinity: { matchLabels: { env: 'prod' } },
      spread: [{ by: 'region', min: 1 }, { by: 'zone', max: 3 }],
      replicaScheduling: { type: 'Duplicated' },
      tolerations: [{ key: 'dedicated', operator: 'Exists' }],
    });
    expect('priority' in body).toBe(false);
    expect(body.failover).toEqual(READ.failover);
  });

  it('sends what is not an integer as typed, for the hub to refuse', () => {
    const body = formToBody({ ...FORM, replicas: '-1', priority: 'urgent', weights: 'east-1=x, west-1', scheduling: 'Weighted' }, newWorkloadBody('team-a'));
    expect(((body.manifests as Body[])[0]?.spec as Body).replicas).toBe(-1);
    expect(body.priority).toBe('urgent');
    expect((body.placement as { replicaScheduling: Body }).replicaScheduling.weights).toEqual([{ names: ['east-1'], weight: 'x' }, { names: ['west-1'] }]);
  });

  it('takes the Workload document shape as its flat shape', () => {
    const read = bodyToForm({ apiVersion: 'flotilla.dev/v1', kind: 'Workload', metadata: { name: 'web', namespace: 'shop' }, spec: { tenant: 't', manifests: READ.manifests } });
    expect('form' in read && read.form.name === 'web' && read.form.tenant === 't').toBe(true);
  });

  it('says why the form cannot show a workload', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } };
    expect(bodyToForm({ ...READ, manifests: [...(READ.manifests as Body[]), service] })).toEqual({ reasons: ['it holds 2 manifests and the form shows exactly one Deployment'] });
    expect(bodyToForm({ ...READ, manifests: [service] })).toEqual({ reasons: ['its manifest is v1 Service, not an apps/v1 Deployment'] });
    expect(bodyToForm({ ...READ, placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' } } })).toEqual({ reasons: ['it divides replicas by Aggregated, which the form does not offer'] });
  });

  it('checks the image and the port, which the hub takes as written', () => {
    expect(formProblems(FORM)).toEqual([]);
    expect(formProblems({ ...FORM, image: ' ', port: '70000' })).toEqual([
      { name: 'manifests[0].spec.template.spec.containers[0].image', reason: 'is required' },
      { name: 'manifests[0].spec.template.spec.containers[0].ports[0].containerPort', reason: 'must be an integer from 1 to 65535' },
    ]);
  });

  it('finds the form field of each path the hub names', () => {
    const body = formToBody(FORM, READ);
    expect(fieldOf('name', body)).toBe('name');
    expect(fieldOf('manifests[0].metadata.name', body)).toBe('name');
    expect(fieldOf('manifests[0].spec.replicas', body)).toBe('replicas');
    expect(fieldOf('placement.replicaScheduling.type', body)).toBe('scheduling');
    expect(fieldOf('placement.replicaScheduling.weights[1].weight', body)).toBe('weights');
    expect(fieldOf('placement.spread[1].min', body)).toBe('zoneSpreadMin');
    expect(fieldOf('placement.spread[0].min', body)).toBeUndefined();
    expect(fieldOf('placement.clusterAffinity.zones[0]', body)).toBe('zones');
    expect(fieldOf('namespaceX', body)).toBeUndefined();
    expect(fieldOf('manifests[1].kind', body)).toBeUndefined();
    expect(fieldOf('labels', body)).toBeUndefined();
    const reasons = reasonsByField(
      [
        { name: 'name', reason: 'must be a DNS label' },
        { name: 'manifests[0].metadata.name', reason: 'must be a DNS label' },
        { name: 'overrideSets[0]', reason: 'no such set' },
      ],
      body,
    );
    expect(reasons).toEqual({ name: ['must be a DNS label'] });
  });

  it('reads YAML, and names the line of a syntax error', () => {
    expect(readYaml(toYaml({ name: 'web', manifests: [{ kind: 'Deployment' }] }))).toEqual({ ok: true, body: { name: 'web', manifests: [{ kind: 'Deployment' }] } });
    const broken = readYaml('name: web\nmanifests: [a, b\ntenant: x\n');
    expect(broken).toMatchObject({ ok: false, line: 3, column: 1 });
    expect(!broken.ok && broken.message).toMatch(/^YAML syntax error at line 3, column 1: \S/);
    expect(readYaml('  ')).toEqual({ ok: false, message: 'The YAML is empty: write the workload.' });
  });
});
