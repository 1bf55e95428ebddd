import { formatConfigIssue, parseConfig } from '../../../libs/config/src/index.ts';

/** sysexits.h EX_CONFIG: the hub cannot run with this configuration; restarting will not help. */
const EX_CONFIG = 78;

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  for (const issue of parsed.issues) process.stderr.write(`${formatConfigIssue(issue)}\n`);
  process.exit(EX_CONFIG);
}

try {
  // Loaded only after the configuration is known to be good, so that a bad variable is
  // reported at once instead of after NestJS, Fastify and friends have loaded.
  const { createHub } = await import('./create-hub.ts');
  const hub = await createHub(parsed.config);
  // useProcessExit: after the shutdown hooks the process exits 0 instead of re-raising the
  // signal (which would report 143), and pino gets its exit-time flush.
  hub.app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await hub.listen();
} catch (error) {
  process.stderr.write(`flotilla: the hub failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
