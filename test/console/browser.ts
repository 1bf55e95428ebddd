import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { freePort } from '../integration/support/free-port.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import type { LogLines } from '../integration/support/log-lines.ts';
import { closeHub } from '../fleet/hub-on-fleet.ts';
import { startTestIdp, type TestIdp } from '../oidc/test-idp.ts';

/** Where the screenshots go: $FLOTILLA_SCREENSHOTS, or test/console/screenshots. */
export const SCREENSHOTS = process.env.FLOTILLA_SCREENSHOTS ?? fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Debian's Chromium (scripts/ensure-browser.sh installs it), headless, with nothing that calls out. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches the browser; Playwright gives each launch a fresh, empty --user-data-dir of its own and removes it on close. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Opens the console at `url` (a fragment may name the page) and logs in through the provider's own form. */
export async function logIn(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('User').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A hub with browser login through a test provider of its own, which knows the hub's callback. */
export interface HubWithLogin {
  readonly idp: TestIdp;
  readonly hub: Hub;
  readonly url: string;
  /** Another hub of the same configuration on the same port (and Redis prefix: sessions survive), listening: for a restart. */
  again(): Promise<Hub>;
  /** Closes the hub last started and the provider, and deletes the hub's keys from Redis. */
  close(): Promise<void>;
}

export async function startHubWithLogin(prefix: string, logs: LogLines, env: Record<string, string> = {}): Promise<HubWithLogin> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const idp = await startTestIdp({ hubRedirectUris: [`${publicUrl}/auth/callback`] });
  const config = {
    ...hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, ...env, FLOTILLA_OIDC_ISSUER: idp.issuer, FLOTILLA_OIDC_CLIENT_ID: idp.hubClient.clientId, FLOTILLA_OIDC_CLIENT_SECRET: idp.hubClient.clientSecret, FLOTILLA_PUBLIC_URL: publicUrl }),
    port,
  };
  let latest = await createHub(config, { logDestination: logs });
  const url = await latest.listen();
  const again = async (): Promise<Hub> => {
    latest = await createHub(config, { logDestination: logs });
    await latest.listen();
    return latest;
  };
  const close = async (): Promise<void> => {
    await closeHub(latest, prefix);
    await idp.close();
  };
  return { idp, hub: latest, url, again, close };
}
