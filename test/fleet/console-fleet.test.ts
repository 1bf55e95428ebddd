import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LogLines } from '../integration/support/log-lines.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import { launchBrowser, logIn, SCREENSHOTS, startHubWithLogin, type HubWithLogin } from '../console/browser.ts';
import type { TestIdp } from '../oidc/test-idp.ts';
import { testToken } from '../oidc/test-tokens.ts';
import { Fleet } from './fleet.ts';
import { FAST_FAILOVER_ENV, HubApi } from './hub-on-fleet.ts';
import type { MemberCluster } from './member-cluster.ts';

// Three real control planes on a 2-core machine: starting them takes a while.
const FLEET_START_MS = 300_000;
const NS = 'console-shop';
const ZONES = ['a', 'b', 'c'] as const;

/**
 * The operator's story in the browser, on a fleet of its own (it kills a member): three healthy
 * zones, a workload created in the console becomes Available, a cluster dies, the failover shows
 * in the timeline and the workload recovers, all without reloading; a viewer finds no actions and
 * another tenant finds nothing.
 */
describe('operator console on a real local fleet', () => {
  const prefix = testPrefix('console-fleet');
  const logs = new LogLines();
  const members: Partial<Record<(typeof ZONES)[number], MemberCluster>> = {};
  let fleet: Fleet;
  let idp: TestIdp;
  let started: HubWithLogin;
  let hubApi: HubApi;
  let url: string;
  let browser: Browser;
  let operator: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  const nav = (name: string): Promise<void> => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name }).click();

  beforeAll(async () => {
    fleet = await Fleet.start();
    for (const zone of ZONES) members[zone] = await fleet.addCluster({ name: `con-${zone}`, zone, nodes: 1 });
    started = await startHubWithLogin(prefix, logs, FAST_FAILOVER_ENV);
    ({ idp, url } = started);
    hubApi = new HubApi(url, async () => ({ authorization: `Bearer ${await testToken('admin', idp.issuer)}` }));
    await hubApi.registerAndWaitReady(Object.values(members));
    browser = await launchBrowser();
    operator = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await operator.newPage();
    page.on('pageerror', (error) => errors.push(`${page.url()}: uncaught ${error.message}`));
  }, FLEET_START_MS);

  afterAll(async () => {
    logs.keep('console-fleet');
    await browser?.close();
    await started?.close();
    await fleet?.stop();
  }, 60_000);

  it('shows an operator three healthy zones, with capacity', async () => {
    await logIn(page, `${url}/`, 'oscar', 'oscar-demo');
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    await expect(page.getByLabel('Signed-in user').textContent()).resolves.toContain('operator');
    for (const zone of ZONES) {
      const region = page.getByRole('region', { name: `Zone ${zone}` });
      await region.getByText('1 of 1 ready').waitFor();
      await expect(region.getByRole('meter', { name: /^CPU: / }).count()).resolves.toBe(1);
    }
    await page.getByText('Live', { exact: true }).waitFor();
    await shot('fleet-overview-three-zones.png');
  }, 60_000);

  it('creates a workload in the console and watches it become Available in three zones', async () => {
    await nav('Workloads');
    await page.getByRole('link', { name: 'New workload' }).click();
    await page.getByRole('heading', { level: 1, name: 'New workload' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('web');
    await page.getByLabel('Namespace', { exact: true }).fill(NS);
    await page.getByLabel('Container image', { exact: true }).fill('nginx:1.27');
    await page.getByLabel('Replicas', { exact: true }).fill('3');
    // Three members of the same size: one replica each.
    await page.getByLabel('Divided by available capacity').check();
    await page.getByRole('button', { name: 'Create workload' }).click();
    await page.waitForURL(`${url}/#/workloads/${NS}/web`);
    const status = page.getByLabel('Workload status');
    // Nothing reloads the page: the live feed brings each change.
    await status.getByText('Available 3/3 in 3 clusters').waitFor({ timeout: 120_000 });
    await expect(page.getByRole('table', { name: 'Status per cluster' }).getByRole('row').count()).resolves.toBe(4);
    await shot('workload-available.png');
  }, 150_000);

  it('shows a killed cluster, the failover in the timeline, and the workload recovering, without a reload', async () => {
    await (members.a as MemberCluster).kill();
    const status = page.getByLabel('Workload status');
    await page.getByText('cluster not ready').waitFor({ timeout: 60_000 });
    await status.getByText(/^Available 3\/3 in 2 clusters$/).waitFor({ timeout: 120_000 });
    await shot('workload-failed-over.png');

    await nav('Fleet');
    await page.getByRole('region', { name: 'Zone a' }).getByText('0 of 1 ready').waitFor({ timeout: 30_000 });
    await shot('fleet-overview-zone-down.png');

    await nav('Events');
    await page.getByLabel('Failover only').check();
    const failedOver = page.getByRole('listitem').filter({ hasText: 'FailedOver' }).filter({ hasText: `${NS}/web` });
    await failedOver.first().waitFor({ timeout: 30_000 });
    await expect(failedOver.first().textContent()).resolves.toContain('system:failover');
    await shot('failover-timeline.png');
  }, 240_000);

  it('offers an operator cordon and drain on a cluster page', async () => {
    await page.goto(`${url}/#/clusters/con-b`);
    await page.getByRole('heading', { name: 'Cluster con-b' }).waitFor();
    const actions = page.getByRole('group', { name: 'Cluster actions' });
    await actions.getByRole('button', { name: 'Cordon' }).click();
    await actions.getByRole('button', { name: 'Uncordon' }).waitFor();
    await expect(page.getByText('cordoned', { exact: true }).count()).resolves.toBeGreaterThan(0);
    await shot('cluster-detail.png');
    await actions.getByRole('button', { name: 'Uncordon' }).click();
    await actions.getByRole('button', { name: 'Cordon' }).waitFor();
    // The audit trail names the person who did it.
    const audit = (await hubApi.call('GET', '/api/v1/audit?actor=oscar&limit=20')).body.items as { action: string; target: { name: string } }[];
    expect(audit.some((r) => r.target.name === 'con-b')).toBe(true);
  }, 60_000);

  it('gives a viewer the same pages without a single action, and another tenant nothing of team-a', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await context.newPage();
    await logIn(viewer, `${url}/#/workloads/${NS}/web`, 'vera', 'vera-demo');
    await viewer.getByRole('heading', { name: `Workload ${NS}/web` }).waitFor();
    await viewer.getByLabel('Workload status').waitFor();
    for (const name of ['Edit', 'Delete']) {
      await expect(viewer.getByRole('link', { name, exact: true }).count()).resolves.toBe(0);
      await expect(viewer.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    }
    await viewer.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Workloads' }).click();
    await viewer.getByRole('link', { name: `${NS}/web` }).waitFor();
    await viewer.screenshot({ path: join(SCREENSHOTS, 'workloads.png'), fullPage: true });
    await expect(viewer.getByRole('link', { name: 'New workload' }).count()).resolves.toBe(0);
    await viewer.goto(`${url}/#/clusters/con-b`);
    await viewer.getByRole('heading', { name: 'Cluster con-b' }).waitFor();
    await viewer.getByRole('heading', { name: 'Conditions' }).waitFor();
    await expect(viewer.getByRole('group', { name: 'Cluster actions' }).count()).resolves.toBe(0);
    await expect(viewer.getByRole('button').allTextContents()).resolves.toEqual(['Log out']);
    await context.close();

    const other = await browser.newContext();
    const tom = await other.newPage();
    await logIn(tom, `${url}/#/workloads`, 'tom', 'tom-demo');
    await tom.getByText('No workloads yet.').waitFor();
    await tom.goto(`${url}/#/workloads/${NS}/web`);
    await tom.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    await other.close();
  }, 60_000);

  it('shows an admin the audit log with a verified chain, and the queues', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const admin = await context.newPage();
    await logIn(admin, `${url}/#/audit`, 'ada', 'ada-demo');
    await admin.getByText(/^Chain verified: \d+ records intact/).waitFor();
    await admin.getByRole('cell', { name: 'oscar@example.test' }).first().waitFor();
    await admin.screenshot({ path: join(SCREENSHOTS, 'audit.png'), fullPage: true });
    await admin.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Queues' }).click();
    await admin.getByRole('rowheader', { name: 'placement' }).waitFor();
    await admin.screenshot({ path: join(SCREENSHOTS, 'queues.png'), fullPage: true });
    // A wide screen: the zones' cards spread out, the content stays readable (at most 96 rem wide).
    await admin.setViewportSize({ width: 1920, height: 1080 });
    await admin.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Fleet' }).click();
    await admin.getByRole('region', { name: 'Zone c' }).getByText('1 of 1 ready').waitFor();
    await admin.screenshot({ path: join(SCREENSHOTS, 'fleet-overview-wide.png'), fullPage: true });
    await context.close();
    expect(errors).toEqual([]);
  }, 60_000);
});
