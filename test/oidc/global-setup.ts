import { startTestIdp } from './test-idp.ts';
import { TEST_OIDC_ISSUER_ENV } from './test-tokens.ts';

/**
 * Starts the run's shared test OpenID Provider in jest's main process (once, whichever
 * project asks first) and publishes its issuer to the test workers through the environment.
 * Neither its server nor its connections keep the process alive.
 */
export async function startSharedTestIdp(): Promise<void> {
  if (process.env[TEST_OIDC_ISSUER_ENV] !== undefined) return;
  const idp = await startTestIdp();
  idp.server.unref();
  // Nor do its keep-alive connections (a test run in band holds both of their ends).
  idp.server.on('connection', (socket) => socket.unref());
  process.env[TEST_OIDC_ISSUER_ENV] = idp.issuer;
}
