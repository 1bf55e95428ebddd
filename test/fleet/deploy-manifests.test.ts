import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiException, CoreV1Api, KubernetesObjectApi, type KubernetesObject, type V1Deployment, type V1Namespace, type V1Pod, type V1ServiceAccount } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { sharedFleet, sharedKubeConfig } from './shared-fleet.ts';

// Validates deploy/kubernetes/ against a real kube-apiserver of the run's shared fleet with
// server-side dry runs: schema, defaulting, validation and admission (Pod Security included)
// all run; nothing but the test's own namespace is persisted.

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MANIFESTS = join(REPO, 'deploy', 'kubernetes');
const NAMESPACE = 'flotilla-system';
const LABELS = { 'app.kubernetes.io/name': 'flotilla-hub', 'app.kubernetes.io/part-of': 'flotilla' };
const DRY_RUN = 'All';

interface Manifest {
  file: string;
  object: KubernetesObject;
}

function manifestFiles(): string[] {
  return readdirSync(MANIFESTS)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
}

function loadManifests(): Manifest[] {
  const manifests: Manifest[] = [];
  for (const file of manifestFiles()) {
    for (const doc of parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const object = doc.toJS() as KubernetesObject | null;
      if (object !== null) manifests.push({ file, object });
    }
  }
  return manifests;
}

function only<T extends KubernetesObject>(manifests: Manifest[], kind: string): T {
  const found = manifests.filter((m) => m.object.kind === kind);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind} in ${MANIFESTS}, found ${found.length}`);
  return structuredClone(found[0]!.object) as T;
}

interface Rejection {
  code: number;
  status: { reason?: string; message?: string; details?: { causes?: { field?: string; message?: string }[] } };
}

/** The API error a call ends with; fails the test when the server accepts the request. */
async function rejection(call: Promise<unknown>): Promise<Rejection> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = error.body;
    let status: Rejection['status'] = {};
    if (typeof body === 'string') {
      try {
        status = JSON.parse(body) as Rejection['status'];
      } catch {
        status = { message: body };
      }
    } else if (body && typeof body === 'object') {
      status = body;
    }
    return { code: error.code, status };
  }
  throw new Error('expected the API server to reject the request, but it accepted it');
}

/**
 * Paths of the fields of `sent` that the server's answer lacks or holds with another value.
 * Both the client (typed serialization) and the server drop fields they don't know without
 * failing, so a misspelt field would otherwise pass the dry run unnoticed.
 */
function lostFields(sent: unknown, answer: unknown, path = ''): string[] {
  if (sent === null || typeof sent !== 'object') return sent === answer ? [] : [`${path || '.'}: sent ${JSON.stringify(sent)}, got ${JSON.stringify(answer)}`];
  if (answer === null || typeof answer !== 'object') return [`${path || '.'}: missing`];
  if (Array.isArray(sent)) {
    if (!Array.isArray(answer)) return [`${path}: not a list`];
    return sent.flatMap((item: unknown, i) => lostFields(item, answer[i], `${path}[${i}]`));
  }
  const got = answer as Record<string, unknown>;
  return Object.entries(sent).flatMap(([key, value]) => lostFields(value, got[key], path ? `${path}.${key}` : key));
}

/** What the server answers for `sent`: a Secret's stringData comes back as base64 data. */
function expectedAnswer(sent: KubernetesObject): KubernetesObject {
  const copy = structuredClone(sent) as KubernetesObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  if (copy.kind === 'Secret' && copy.stringData) {
    copy.data = { ...copy.data, ...Object.fromEntries(Object.entries(copy.stringData).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
    delete copy.stringData;
  }
  return copy;
}

function podFromTemplate(deployment: V1Deployment, name: string): V1Pod {
  const template = deployment.spec!.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { ...template.metadata?.labels } },
    spec: structuredClone(template.spec!),
  };
}

describe('deploy/kubernetes manifests (server-side dry run on a member cluster)', () => {
  const manifests = loadManifests();
  let objects: KubernetesObjectApi;
  let core: CoreV1Api;

  beforeAll(async () => {
    const cluster = sharedFleet()[0];
    if (!cluster) throw new Error('the shared fleet has no cluster');
    const kc = sharedKubeConfig(cluster);
    objects = KubernetesObjectApi.makeApiClient(kc);
    core = kc.makeApiClient(CoreV1Api);
    // Namespaced objects can only be dry-run created in a namespace that exists: create the
    // real one, from the manifest itself (so its Pod Security labels are in force).
    const namespace = only<V1Namespace>(manifests, 'Namespace');
    await core.createNamespace({ body: namespace });
  }, 60_000);

  afterAll(async () => {
    await core?.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
  }, 60_000);

  it('finds the expected objects, each labelled for flotilla', () => {
    expect(manifests.map((m) => m.object.kind).sort()).toEqual(
      ['Deployment', 'Namespace', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceAccount'].sort(),
    );
    for (const { file, object } of manifests) {
      expect({ file, labels: object.metadata?.labels }).toEqual({ file, labels: expect.objectContaining(LABELS) });
      if (object.kind !== 'Namespace') expect({ file, namespace: object.metadata?.namespace }).toEqual({ file, namespace: NAMESPACE });
    }
  });

  it('lists every manifest in kustomization.yaml except the example Secret', () => {
    const kustomization = parseAllDocuments(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8'))[0]?.toJS() as { resources?: string[] };
    expect([...(kustomization.resources ?? [])].sort()).toEqual(manifestFiles().filter((f) => f !== 'secret.example.yaml'));
  });

  it('gives the hub time to shut down: grace period > preStop sleep + SHUTDOWN_TIMEOUT_MS', () => {
    const pod = only<V1Deployment>(manifests, 'Deployment').spec!.template.spec!;
    const hub = pod.containers.find((c) => c.name === 'hub')!;
    const preStopSeconds = hub.lifecycle?.preStop?.sleep?.seconds;
    const shutdownMs = Number(hub.env?.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value ?? '25000');
    expect(preStopSeconds).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds! + shutdownMs / 1000);
  });

  it('the API server accepts every manifest in a dry run', async () => {
    for (const { file, object } of manifests) {
      if (object.kind === 'Namespace') {
        // It exists (the test created it): a dry-run create passes validation and then
        // reports the conflict...
        const conflict = await rejection(objects.create(object, undefined, DRY_RUN));
        expect({ file, code: conflict.code, reason: conflict.status.reason }).toEqual({ file, code: 409, reason: 'AlreadyExists' });
        // ...and under a fresh name it is accepted outright.
        const renamed = { ...structuredClone(object), metadata: { ...object.metadata, name: `${NAMESPACE}-dry-run` } };
        const accepted = await objects.create(renamed, undefined, DRY_RUN);
        expect(accepted.metadata?.uid).toBeTruthy();
        expect({ file, lost: lostFields(renamed, accepted) }).toEqual({ file, lost: [] });
        continue;
      }
      const accepted = await objects.create(object, undefined, DRY_RUN).catch((error: unknown) => {
        const detail = error instanceof ApiException ? `${error.code} ${String(error.body)}` : String(error);
        throw new Error(`${file}: ${object.kind} ${object.metadata?.name} rejected by the dry run: ${detail}`);
      });
      expect({ file, kind: accepted.kind, name: accepted.metadata?.name, namespace: accepted.metadata?.namespace }).toEqual({
        file,
        kind: object.kind,
        name: object.metadata?.name,
        namespace: NAMESPACE,
      });
      expect(accepted.metadata?.uid).toBeTruthy();
      expect({ file, lost: lostFields(expectedAnswer(object), accepted) }).toEqual({ file, lost: [] });
    }
    // A dry run persists nothing.
    const deployments = await objects.list('apps/v1', 'Deployment', NAMESPACE);
    expect(deployments.items).toHaveLength(0);
  }, 60_000);

  it('the API server defaults the Deployment as expected', async () => {
    const accepted = await objects.create<V1Deployment>(only<V1Deployment>(manifests, 'Deployment'), undefined, DRY_RUN);
    expect(accepted.spec?.replicas).toBe(2);
    const hub = accepted.spec?.template.spec?.containers.find((c) => c.name === 'hub');
    expect(hub?.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(hub?.livenessProbe?.httpGet).toMatchObject({ path: '/livez', port: 'http', scheme: 'HTTP' });
    expect(hub?.lifecycle?.preStop?.sleep?.seconds).toBe(5);
  });

  it('rejects a broken Deployment with 422 (the dry run does validate)', async () => {
    const negative = only<V1Deployment>(manifests, 'Deployment');
    negative.spec!.replicas = -1;
    const r1 = await rejection(objects.create(negative, undefined, DRY_RUN));
    expect(r1.code).toBe(422);
    expect(r1.status.reason).toBe('Invalid');
    expect(r1.status.details?.causes?.map((c) => c.field)).toContain('spec.replicas');

    const badPort = only<V1Deployment>(manifests, 'Deployment');
    badPort.spec!.template.spec!.containers[0]!.readinessProbe!.httpGet!.port = 'not a port!!';
    const r2 = await rejection(objects.create(badPort, undefined, DRY_RUN));
    expect(r2.code).toBe(422);
    expect(r2.status.reason).toBe('Invalid');
    expect(r2.status.details?.causes?.map((c) => c.field)).toContain('spec.template.spec.containers[0].readinessProbe.httpGet.port');
  });

  it('notices a misspelt field, which client and server both drop silently', async () => {
    const misspelt = only<V1Deployment>(manifests, 'Deployment') as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = misspelt.spec.template.spec.containers[0]!;
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    const accepted = await objects.create(misspelt as unknown as KubernetesObject, undefined, DRY_RUN);
    expect(lostFields(misspelt, accepted)).toEqual([expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.readinesProbe/)]);
  });

  it("the hub's pod meets the namespace's restricted Pod Security Standard, and a weaker one does not", async () => {
    // Pod admission looks the ServiceAccount up: create it for real in the test's namespace.
    const serviceAccount = only<V1ServiceAccount>(manifests, 'ServiceAccount');
    await core.createNamespacedServiceAccount({ namespace: NAMESPACE, body: serviceAccount }).catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    });
    const deployment = only<V1Deployment>(manifests, 'Deployment');

    const pod = await objects.create(podFromTemplate(deployment, 'flotilla-hub-psa'), undefined, DRY_RUN);
    expect(pod.metadata?.uid).toBeTruthy();

    const weaker = podFromTemplate(deployment, 'flotilla-hub-psa-weaker');
    weaker.spec!.containers[0]!.securityContext!.allowPrivilegeEscalation = true;
    const rejected = await rejection(objects.create(weaker, undefined, DRY_RUN));
    expect(rejected.code).toBe(403);
    expect(rejected.status.message).toMatch(/violates PodSecurity "restricted/);
    expect(rejected.status.message).toMatch(/allowPrivilegeEscalation/);
  });
});
