import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildConsole } from '../console/global-setup.ts';
import { startSharedTestIdp } from '../oidc/global-setup.ts';
import { Fleet } from './fleet.ts';
import { SHARED_FLEET_ENV, type SharedCluster } from './shared-fleet.ts';

declare global {
  var __flotillaSharedFleet: Fleet | undefined;
}

const ZONES = ['a', 'b', 'c', 'd', 'e'];

/**
 * Builds the fleet binaries when the cache lacks them, then starts the run's shared fleet
 * (FLOTILLA_SHARED_FLEET_SIZE clusters, default 1, in zones a, b, c...).
 */
export default async function globalSetup(): Promise<void> {
  const size = Number(process.env.FLOTILLA_SHARED_FLEET_SIZE ?? '1');
  const started = Date.now();
  await startSharedTestIdp();
  // The console's browser test on the fleet drives what the sources say now.
  buildConsole();
  const fleet = await Fleet.start();
  globalThis.__flotillaSharedFleet = fleet;
  const shared: SharedCluster[] = [];
  for (const zone of ZONES.slice(0, size)) {
    const cluster = await fleet.addCluster({ name: `shared-${zone}`, zone });
    shared.push({
      name: cluster.name,
      zone: cluster.zone,
      region: cluster.region,
      server: cluster.server,
      caPem: cluster.caPem,
      token: cluster.token,
      kubeconfig: cluster.kubeconfig('token'),
    });
  }
  const file = join(fleet.dir, 'shared-fleet.json');
  writeFileSync(file, JSON.stringify(shared), { mode: 0o600 });
  process.env[SHARED_FLEET_ENV] = file;
  process.stderr.write(`\nflotilla: shared fleet of ${size} cluster(s) ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${fleet.dir})\n`);
}
