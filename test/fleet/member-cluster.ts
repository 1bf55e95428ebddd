import { type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { type FleetBinaries } from './binaries.ts';
import { createClusterPki, type ClusterPki } from './pki.ts';
import { freePort } from './ports.ts';
import { spawnManaged, terminate, waitFor } from './process.ts';
import { type Toxiproxy } from './toxiproxy.ts';

/** Capacity of each fake node, as Kubernetes quantities. */
export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
}

export interface MemberClusterOptions {
  /** DNS-1123 name, unique in the fleet. */
  name: string;
  /** Value of topology.kubernetes.io/zone on every node. */
  zone: string;
  /** Value of topology.kubernetes.io/region on every node. @defaultValue 'local' */
  region?: string;
  /** How many KWOK fake nodes. @defaultValue 2 */
  nodes?: number;
  /** @defaultValue 8 CPU, 32Gi memory, 110 pods */
  nodeCapacity?: NodeCapacity;
}

/** How the hub (or a test) authenticates to a member: bearer token or client certificate. */
export type Credentials = 'token' | 'certificate';

type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';
const COMPONENTS: readonly Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  proxy: number;
}

const STARTUP_TIMEOUT_MS = 120_000;

function httpsStatus(url: string, ca: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * One real member cluster on loopback: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and the KWOK controller as separate processes, plus fake nodes labelled with
 * the cluster's zone. The hub reaches it through a Toxiproxy port (`server`), so tests can
 * delay, lose or partition that link; the control plane's own components talk directly.
 */
export class MemberCluster {
  readonly name: string;
  readonly zone: string;
  readonly region: string;
  private readonly nodeCount: number;
  private readonly nodeCapacity: NodeCapacity;
  private readonly processes = new Map<Component, ChildProcess>();
  private nodesCreated = false;
  private readonly dir: string;
  private readonly binaries: FleetBinaries;
  private readonly toxiproxy: Toxiproxy;
  private readonly pki: ClusterPki;
  private readonly ports: Ports;

  private constructor(options: MemberClusterOptions, dir: string, binaries: FleetBinaries, toxiproxy: Toxiproxy, pki: ClusterPki, ports: Ports) {
    this.dir = dir;
    this.binaries = binaries;
    this.toxiproxy = toxiproxy;
    this.pki = pki;
    this.ports = ports;
    this.name = options.name;
    this.zone = options.zone;
    this.region = options.region ?? 'local';
    this.nodeCount = options.nodes ?? 2;
    this.nodeCapacity = options.nodeCapacity ?? { cpu: '8', memory: '32Gi', pods: '110' };
  }

  /** Prepares PKI, ports and the fault proxy, then starts the cluster and waits until it serves. */
  static async create(options: MemberClusterOptions, fleetDir: string, binaries: FleetBinaries, toxiproxy: Toxiproxy): Promise<MemberCluster> {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) throw new Error(`cluster name "${options.name}" is not DNS-1123`);
    const dir = join(fleetDir, options.name);
    mkdirSync(join(dir, 'pki'), { recursive: true });
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const pki = createClusterPki(join(dir, 'pki'), options.name);
    const ports: Ports = {
      etcdClient: await freePort(),
      etcdPeer: await freePort(),
      apiserver: await freePort(),
      controllerManager: await freePort(),
      scheduler: await freePort(),
      kwok: await freePort(),
      proxy: 0,
    };
    ports.proxy = await toxiproxy.createProxy(options.name, ports.apiserver);
    const cluster = new MemberCluster(options, dir, binaries, toxiproxy, pki, ports);
    cluster.writeComponentKubeconfig();
    await cluster.start();
    return cluster;
  }

  /** The API server URL as the hub sees it: through the fault proxy. */
  get server(): string {
    return `https://127.0.0.1:${this.ports.proxy}`;
  }

  /** The API server URL without the fault proxy. */
  get directServer(): string {
    return `https://127.0.0.1:${this.ports.apiserver}`;
  }

  /** PEM CA bundle that signs the API server's serving certificate. */
  get caPem(): string {
    return this.pki.caCertPem;
  }

  /** Bearer token of an admin (group system:masters). */
  get token(): string {
    return this.pki.adminToken;
  }

  /** Client certificate and key (PEM) of an admin (group system:masters). */
  get clientCertificate(): { certPem: string; keyPem: string } {
    return { certPem: this.pki.adminCertPem, keyPem: this.pki.adminKeyPem };
  }

  /**
   * A self-contained kubeconfig document (inline data, no file references, no exec plugin),
   * as an operator would upload it.
   */
  kubeconfig(credentials: Credentials = 'token', via: 'proxy' | 'direct' = 'proxy'): string {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const user =
      credentials === 'token'
        ? `    token: ${this.pki.adminToken}`
        : `    client-certificate-data: ${b64(this.pki.adminCertPem)}\n    client-key-data: ${b64(this.pki.adminKeyPem)}`;
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${this.name}`,
      '  cluster:',
      `    server: ${via === 'proxy' ? this.server : this.directServer}`,
      `    certificate-authority-data: ${b64(this.pki.caCertPem)}`,
      'users:',
      `- name: ${this.name}-admin`,
      '  user:',
      user,
      'contexts:',
      `- name: ${this.name}`,
      '  context:',
      `    cluster: ${this.name}`,
      `    user: ${this.name}-admin`,
      `current-context: ${this.name}`,
      '',
    ].join('\n');
  }

  /** A @kubernetes/client-node KubeConfig for this cluster. */
  kubeConfig(credentials: Credentials = 'token', via: 'proxy' | 'direct' = 'proxy'): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(this.kubeconfig(credentials, via));
    return kc;
  }

  /** Starts every component (again) and waits until the API serves and the nodes are Ready. */
  async start(): Promise<void> {
    const { binaries, ports, pki } = this;
    const log = (c: Component): string => join(this.dir, 'logs', `${c}.log`);
    const kubeconfig = join(this.dir, 'component.kubeconfig');

    this.launch('etcd', binaries.etcd, [
      `--name=${this.name}`,
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=${this.name}=http://127.0.0.1:${ports.etcdPeer}`,
      '--unsafe-no-fsync',
      '--quota-backend-bytes=536870912',
      '--log-level=warn',
    ]);
    await waitFor(`${this.name}: etcd`, STARTUP_TIMEOUT_MS, async () => (await fetch(`http://127.0.0.1:${ports.etcdClient}/health`)).ok, this.processes.get('etcd'), log('etcd'));

    this.launch('kube-apiserver', binaries.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--tls-cert-file=${pki.servingCertPath}`,
      `--tls-private-key-file=${pki.servingKeyPath}`,
      `--client-ca-file=${pki.caCertPath}`,
      `--token-auth-file=${pki.tokenFilePath}`,
      `--service-account-key-file=${pki.serviceAccountPubPath}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      // One small test cluster: no API priority and fairness, fewer background loops.
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=0',
    ]);
    await waitFor(
      `${this.name}: kube-apiserver`,
      STARTUP_TIMEOUT_MS,
      async () => (await httpsStatus(`${this.directServer}/readyz`, pki.caCertPem)) === 200,
      this.processes.get('kube-apiserver'),
      log('kube-apiserver'),
    );

    this.launch('kube-controller-manager', binaries.kubeControllerManager, [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.controllerManager}`,
      `--service-account-private-key-file=${pki.serviceAccountKeyPath}`,
      `--root-ca-file=${pki.caCertPath}`,
      '--profiling=false',
      '--v=0',
    ]);
    this.launch('kube-scheduler', binaries.kubeScheduler, [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.scheduler}`,
      '--profiling=false',
      '--v=0',
    ]);
    this.launch('kwok', binaries.kwok, [
      `--kubeconfig=${kubeconfig}`,
      `--config=${binaries.kwokStages}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=127.0.0.1',
      `--server-address=127.0.0.1:${ports.kwok}`,
      '--node-lease-duration-seconds=0',
    ]);

    const core = this.kubeConfig('token', 'direct').makeApiClient(CoreV1Api);
    if (!this.nodesCreated) {
      await this.createNodes(core);
      this.nodesCreated = true;
    }
    await waitFor(`${this.name}: ${this.nodeCount} Ready nodes`, STARTUP_TIMEOUT_MS, async () => {
      const nodes = await core.listNode();
      return nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= this.nodeCount;
    });
    // The service-account controller of kube-controller-manager creates this; pods need it.
    await waitFor(`${this.name}: default service account`, STARTUP_TIMEOUT_MS, async () => {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
      return true;
    }, this.processes.get('kube-controller-manager'), log('kube-controller-manager'));
  }

  /** Graceful stop: SIGTERM to every component (SIGKILL after a grace period). */
  async stop(): Promise<void> {
    for (const component of [...COMPONENTS].reverse()) {
      const child = this.processes.get(component);
      if (child) await terminate(child, 'SIGTERM');
      this.processes.delete(component);
    }
  }

  /** Sudden death: SIGKILL to every component at once. */
  async kill(): Promise<void> {
    const children = [...this.processes.values()];
    this.processes.clear();
    await Promise.all(children.map((child) => terminate(child, 'SIGKILL')));
  }

  /** Hangs the cluster: SIGSTOP to every component; connections stay open but nothing answers. */
  hang(): void {
    for (const child of this.processes.values()) child.kill('SIGSTOP');
  }

  /** Undoes hang(): SIGCONT to every component. */
  resume(): void {
    for (const child of this.processes.values()) child.kill('SIGCONT');
  }

  /** Faults on the link between the hub and this cluster (through Toxiproxy). */
  get network(): {
    delay: (latencyMs: number, jitterMs?: number) => Promise<void>;
    loss: (probability: number) => Promise<void>;
    partition: () => Promise<void>;
    cut: () => Promise<void>;
    heal: () => Promise<void>;
  } {
    const proxy = this.name;
    return {
      delay: (latencyMs, jitterMs) => this.toxiproxy.delay(proxy, latencyMs, jitterMs),
      loss: (probability) => this.toxiproxy.loss(proxy, probability),
      partition: () => this.toxiproxy.partition(proxy),
      cut: () => this.toxiproxy.cut(proxy),
      heal: () => this.toxiproxy.heal(proxy),
    };
  }

  /** Process ids of the running components. */
  pids(): Partial<Record<Component, number>> {
    const out: Partial<Record<Component, number>> = {};
    for (const [component, child] of this.processes) if (child.pid !== undefined) out[component] = child.pid;
    return out;
  }

  /** Resident memory of each running component, in bytes (from /proc/<pid>/status VmRSS). */
  memory(): Partial<Record<Component, number>> {
    const out: Partial<Record<Component, number>> = {};
    for (const [component, pid] of Object.entries(this.pids()) as [Component, number][]) {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match?.[1]) out[component] = Number(match[1]) * 1024;
    }
    return out;
  }

  private launch(component: Component, binary: string, args: string[]): void {
    const child = spawnManaged(binary, args, join(this.dir, 'logs', `${component}.log`));
    this.processes.set(component, child);
  }

  private writeComponentKubeconfig(): void {
    // The control plane's own components run beside the API server and may use files.
    writeFileSync(
      join(this.dir, 'component.kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: local',
        '  cluster:',
        `    server: ${this.directServer}`,
        `    certificate-authority: ${this.pki.caCertPath}`,
        'users:',
        '- name: admin',
        '  user:',
        `    client-certificate: ${this.pki.adminCertPath}`,
        `    client-key: ${this.pki.adminKeyPath}`,
        'contexts:',
        '- name: local',
        '  context: {cluster: local, user: admin}',
        'current-context: local',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
  }

  private async createNodes(core: CoreV1Api): Promise<void> {
    for (let i = 0; i < this.nodeCount; i++) {
      const name = `${this.name}-node-${i}`;
      const body: V1Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': 'kwok',
            'topology.kubernetes.io/zone': this.zone,
            'topology.kubernetes.io/region': this.region,
            type: 'kwok',
          },
        },
        status: { allocatable: { ...this.nodeCapacity }, capacity: { ...this.nodeCapacity } },
      };
      await core.createNode({ body });
    }
  }
}
