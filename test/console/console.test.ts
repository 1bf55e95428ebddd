import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { DEFAULT_CONSOLE_DIR } from '../../apps/hub/src/console/install-console.ts';
import type { TestIdp } from '../oidc/test-idp.ts';
import { launchBrowser, logIn as logInAt, SCREENSHOTS, startHubWithLogin, type HubWithLogin } from './browser.ts';
import { testToken } from '../oidc/test-tokens.ts';
import { freePort } from '../integration/support/free-port.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import { closeHub } from '../fleet/hub-on-fleet.ts';


describe('operator console (real hub, real provider, Debian Chromium)', () => {
  const prefix = testPrefix('console');
  const logs = new LogLines();
  let idp: TestIdp;
  let hub: Hub;
  let started: HubWithLogin;
  let url: string;
  let browser: Browser;

  /** Registers a cluster whose API server answers nothing: the prober finds it unreachable. */
  async function register(name: string, zone: string): Promise<void> {
    const answer = await fetch(`${url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken('admin', idp.issuer)}` },
      body: JSON.stringify({ name, server: `https://127.0.0.1:${await freePort()}`, zone, credentials: { type: 'token', token: 'console-test-token' } }),
    });
    expect([name, answer.status]).toEqual([name, 201]);
  }

  const logIn = (page: Page, user: string, password: string): Promise<void> => logInAt(page, `${url}/`, user, password);

  beforeAll(async () => {
    started = await startHubWithLogin(prefix, logs);
    ({ idp, hub, url } = started);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('serves the built console at / with a self-only Content-Security-Policy, and its hashed assets', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'; script-src 'self'");
    const html = await response.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // Unknown paths keep their answers: an asset that does not exist, an API path, a page.
    expect((await fetch(`${url}/assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/no-such-thing`)).status).toBe(401);
    const traversal = await fetch(`${url}/assets/..%2F..%2F..%2F..%2Fpackage.json`);
    expect(await traversal.text()).not.toContain('"name": "flotilla"');
    expect([403, 404]).toContain(traversal.status);
  });

  it('lets a viewer log in through the provider, shows the clusters by zone, and logs out', async () => {
    await register('console-east-1', 'east');
    await register('console-west-1', 'west');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`${page.url()}: uncaught ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.location().url}: ${message.text()}`);
    });

    await logIn(page, 'vera', 'vera-demo');

    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    expect(page.url()).toBe(`${url}/`);
    await expect(page.getByLabel('Signed-in user').textContent()).resolves.toContain('viewer');
    const east = page.getByRole('region', { name: 'Zone east' });
    const west = page.getByRole('region', { name: 'Zone west' });
    await east.getByRole('heading', { name: 'console-east-1' }).waitFor();
    await west.getByRole('heading', { name: 'console-west-1' }).waitFor();
    await expect(east.getByRole('listitem').getByRole('heading').allTextContents()).resolves.toEqual(['console-east-1']);
    await expect(west.getByRole('listitem').getByRole('heading').allTextContents()).resolves.toEqual(['console-west-1']);
    // Nothing answers at their servers: not Ready, with the prober's reason (or not probed yet).
    for (const zone of [east, west]) {
      await expect(zone.locator('.ready-status').textContent()).resolves.toMatch(/^(Not ready|Unknown)$/);
      await expect(zone.locator('.ready-reason').textContent()).resolves.toMatch(/^[A-Z][A-Za-z]+$/);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-overview.png'), fullPage: true });

    await page.getByRole('button', { name: 'Log out' }).click();
    // The provider asks to confirm the end of its own session, then sends the browser back.
    await page.getByRole('button', { name: /sign me out/i }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    expect(page.url()).toBe(`${url}/`);
    await page.screenshot({ path: join(SCREENSHOTS, 'logged-out.png') });
    expect((await page.request.get(`${url}/auth/me`)).status()).toBe(401);
    // The console's own page logs no error but the 401 of /auth/me before login (the provider's pages are not ours).
    expect(errors.filter((e) => e.startsWith(`${url}/`) && !e.startsWith(`${url}/auth/me: `))).toEqual([]);
    expect(errors.filter((e) => e.startsWith(`${url}/auth/me: `)).every((e) => e.includes('401'))).toBe(true);
    await context.close();
  });

  it('says when the live feed is lost, and is live again once the hub is back, without a reload', async () => {
    await register('console-live-1', 'live');
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, 'vera', 'vera-demo');
    const live = page.getByRole('status').filter({ hasText: /^(Live|Connecting…|Live feed lost: reconnecting)$/ });
    await live.getByText('Live', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'console-live-1' }).waitFor();
    await hub.close();
    await live.getByText('Live feed lost: reconnecting').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'live-feed-lost.png') });
    // The clusters read before stay on screen while the hub is away.
    await page.getByRole('heading', { name: 'console-live-1' }).waitFor();
    // Same port, same Redis prefix: the session is still there.
    hub = await started.again();
    await live.getByText('Live', { exact: true }).waitFor({ timeout: 20_000 });
    await context.close();
  });

  it('pages the audit log and the events: the newest page first, older ones on request', async () => {
    await register('console-paged-1', 'paged');
    const token = await testToken('admin', idp.issuer);
    // Each label change is one audit record and one event.
    for (let i = 0; i < 210; i += 1) {
      const answer = await fetch(`${url}/api/v1/clusters/console-paged-1`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ labels: { round: String(i) } }) });
      expect(answer.status).toBe(200);
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    await logInAt(page, `${url}/#/audit`, 'ada', 'ada-demo');
    const rows = page.getByRole('table').getByRole('row');
    await page.getByText(/^Chain verified: \d+ records intact/).waitFor();
    await rows.nth(100).waitFor();
    await expect(rows.count()).resolves.toBe(101);
    await page.getByRole('button', { name: 'Show older records' }).click();
    await rows.nth(200).waitFor();
    await expect(rows.count()).resolves.toBe(201);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Events' }).click();
    const events = page.getByRole('listitem').filter({ hasText: 'console-paged-1' });
    await events.nth(199).waitFor();
    await expect(page.locator('.timeline > li').count()).resolves.toBe(200);
    await page.getByRole('button', { name: 'Show older events' }).click();
    await page.locator('.timeline > li').nth(200).waitFor();
    await context.close();
  });

  it('tells a user without a Flotilla role why the clusters cannot be read', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, 'nina', 'nina-demo');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/^The clusters could not be read: .*no Flotilla role/);
    await expect(page.getByLabel('Signed-in user').textContent()).resolves.toContain('no role');
    await context.close();
  });

  it('answers / with a 404 problem naming the build command when the console is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'flotilla-no-console-'));
    const bare = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: `${prefix}-bare` }), { consoleDir: empty });
    try {
      const bareUrl = await bare.listen();
      const response = await fetch(`${bareUrl}/`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as { detail: string }).detail).toContain('npm run build:console');
      expect((await fetch(`${bareUrl}/assets/index.js`)).status).toBe(404);
    } finally {
      await closeHub(bare, `${prefix}-bare`);
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('is built where the hub looks for it', () => {
    expect(DEFAULT_CONSOLE_DIR).toBe(fileURLToPath(new URL('../../apps/console/dist/', import.meta.url)));
  });
});
