// The local fleet from the command line:
//   npm run fleet -- build            build (or find in the cache) the fleet binaries
//   npm run fleet -- up [N] [DIR]     start N member clusters (zones a, b, c...) until Ctrl-C,
//                                     writing each one's kubeconfig into DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureFleetBinaries } from './binaries.ts';
import { Fleet } from './fleet.ts';

const ZONES = 'abcdefghij'.split('');

async function up(count: number, outDir: string): Promise<void> {
  const fleet = await Fleet.start();
  const stop = (): void => {
    process.stderr.write('\nstopping the fleet...\n');
    void fleet.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  mkdirSync(outDir, { recursive: true });
  for (const zone of ZONES.slice(0, count)) {
    const t0 = Date.now();
    const cluster = await fleet.addCluster({ name: `member-${zone}`, zone });
    const file = resolve(outDir, `${cluster.name}.kubeconfig`);
    writeFileSync(file, cluster.kubeconfig('token'), { mode: 0o600 });
    process.stdout.write(`${cluster.name} (zone ${zone}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cluster.server}  kubeconfig ${file}\n`);
  }
  process.stdout.write(`fleet of ${count} running (data in ${fleet.dir}); Ctrl-C stops it\n`);
}

const [command = 'help', ...args] = process.argv.slice(2);
if (command === 'build') {
  process.stdout.write(`${JSON.stringify(ensureFleetBinaries(), null, 2)}\n`);
} else if (command === 'up') {
  await up(Number(args[0] ?? '3'), args[1] ?? '.fleet');
} else {
  process.stderr.write('usage: npm run fleet -- build | up [N] [DIR]\n');
  process.exitCode = command === 'help' ? 0 : 64;
}
