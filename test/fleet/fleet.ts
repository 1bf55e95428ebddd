import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFleetBinaries, type FleetBinaries } from './binaries.ts';
import { MemberCluster, type MemberClusterOptions } from './member-cluster.ts';
import { Toxiproxy } from './toxiproxy.ts';

export interface FleetOptions {
  /** Where clusters keep their data and logs. @defaultValue a new temporary directory */
  dir?: string;
  /** Remove `dir` on stop. @defaultValue true when `dir` was not given */
  removeOnStop?: boolean;
}

/**
 * A local fleet of real member clusters on loopback, sharing one fault proxy. Clusters start
 * one after another (each control plane is CPU-heavy while it boots on a small machine).
 *
 * ```ts
 * const fleet = await Fleet.start();
 * const a = await fleet.addCluster({ name: 'member-a', zone: 'a' });
 * await a.kill();
 * await fleet.stop();
 * ```
 */
export class Fleet {
  readonly clusters = new Map<string, MemberCluster>();
  readonly dir: string;
  readonly binaries: FleetBinaries;
  private readonly removeOnStop: boolean;
  private readonly toxiproxy: Toxiproxy;

  private constructor(dir: string, removeOnStop: boolean, binaries: FleetBinaries, toxiproxy: Toxiproxy) {
    this.dir = dir;
    this.removeOnStop = removeOnStop;
    this.binaries = binaries;
    this.toxiproxy = toxiproxy;
  }

  static async start(options: FleetOptions = {}): Promise<Fleet> {
    const binaries = ensureFleetBinaries();
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
    mkdirSync(dir, { recursive: true });
    const toxiproxy = await Toxiproxy.start(binaries.toxiproxy, dir);
    return new Fleet(dir, options.removeOnStop ?? options.dir === undefined, binaries, toxiproxy);
  }

  /** Starts a new member cluster and waits until it serves with Ready nodes. */
  async addCluster(options: MemberClusterOptions): Promise<MemberCluster> {
    if (this.clusters.has(options.name)) throw new Error(`cluster ${options.name} already exists in this fleet`);
    const cluster = await MemberCluster.create(options, this.dir, this.binaries, this.toxiproxy);
    this.clusters.set(options.name, cluster);
    return cluster;
  }

  cluster(name: string): MemberCluster {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new Error(`no cluster ${name} in this fleet`);
    return cluster;
  }

  /** Stops every cluster and the proxy; removes the data directory when it was temporary. */
  async stop(): Promise<void> {
    await Promise.all([...this.clusters.values()].map((c) => c.stop()));
    this.clusters.clear();
    await this.toxiproxy.stop();
    if (this.removeOnStop) rmSync(this.dir, { recursive: true, force: true });
  }
}
