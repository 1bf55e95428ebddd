import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { TestIdp } from '../oidc/test-idp.ts';
import { launchBrowser, logIn as logInAt, SCREENSHOTS, startHubWithLogin, type HubWithLogin } from './browser.ts';
import { testToken } from '../oidc/test-tokens.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';


/** The namespace of every workload here: tenant team-a (oscar's, and the operator client's) claims it. */
const NS = 'editor-a';

interface WorkloadView {
  metadata: { name: string; namespace: string; version: string; generation: number };
  spec: { manifests: { spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } } }[] };
}

const imageOf = (view: WorkloadView): string | undefined => view.spec.manifests[0]?.spec.template.spec.containers[0]?.image;

/** A workload of one Deployment, as a client of the REST API writes it. */
function workloadBody(name: string, image: string, replicas: number): Record<string, unknown> {
  return {
    name,
    namespace: NS,
    tenant: 'team-a',
    manifests: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } } },
      },
    ],
  };
}

describe('workload editor (real hub, real provider, Debian Chromium)', () => {
  const prefix = testPrefix('console-editor');
  const logs = new LogLines();
  let idp: TestIdp;
  let started: HubWithLogin;
  let url: string;
  let browser: Browser;
  let operator: BrowserContext;
  const pageErrors: string[] = [];

  /** The hub's REST API as the operator client (tenant team-a). */
  async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { authorization: `Bearer ${await testToken('operator', idp.issuer)}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as T };
  }

  const read = async (name: string): Promise<WorkloadView> => (await api<WorkloadView>('GET', `/api/v1/namespaces/${NS}/workloads/${name}`)).body;

  async function logIn(page: Page, user: string, password: string): Promise<void> {
    await logInAt(page, `${url}/`, user, password);
    await page.getByLabel('Signed-in user').waitFor();
  }

  /** A new tab of the logged-in operator at `hash`, its uncaught errors collected. */
  async function open(hash: string): Promise<Page> {
    const page = await operator.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: uncaught ${error.message}`));
    await page.goto(`${url}/${hash}`);
    return page;
  }

  /** The text of everything a control's aria-describedby names. */
  async function description(page: Page, control: Locator): Promise<string> {
    const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ').filter((id) => id !== '');
    const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
    return texts.join(' ');
  }

  /** Every change the page sends to the API. */
  function changesSent(page: Page): string[] {
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'GET' && request.url().includes('/api/v1/')) sent.push(`${request.method()} ${request.url()}`);
    });
    return sent;
  }

  beforeAll(async () => {
    started = await startHubWithLogin(prefix, logs);
    ({ idp, url } = started);
    browser = await launchBrowser();
    operator = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await logIn(await operator.newPage(), 'oscar', 'oscar-demo');
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it('creates a workload through the form and lands on its page', async () => {
    const page = await open('#/workloads/new');
    await page.getByRole('heading', { level: 1, name: 'New workload' }).waitFor();
    await expect(page.getByLabel('Tenant', { exact: true }).inputValue()).resolves.toBe('team-a');
    await page.getByLabel('Name', { exact: true }).fill('web-form');
    await page.getByLabel('Namespace', { exact: true }).fill(NS);
    await page.getByLabel('Priority', { exact: true }).fill('high');
    await page.getByLabel('Container image', { exact: true }).fill('nginx:1.27');
    await page.getByLabel('Replicas', { exact: true }).fill('3');
    await page.getByLabel('Container port', { exact: true }).fill('80');
    await page.getByLabel('Divided by available capacity').check();
    await page.getByLabel('Zone spread minimum', { exact: true }).fill('2');
    await page.getByLabel('Cluster zones', { exact: true }).fill('east, west');
    await page.screenshot({ path: join(SCREENSHOTS, 'workload-editor.png'), fullPage: true });

    await page.getByRole('button', { name: 'Create workload' }).click();
    await page.waitForURL(`${url}/#/workloads/${NS}/web-form`);

    const view = await read('web-form');
    expect(imageOf(view)).toBe('nginx:1.27');
    expect(view.spec.manifests[0]?.spec.replicas).toBe(3);
    expect(view.spec).toMatchObject({
      tenant: 'team-a',
      priority: 500,
      placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' }, spread: [{ by: 'zone', min: 2 }], clusterAffinity: { zones: ['east', 'west'] } },
    });
    await page.close();
  });

  it("shows the hub's reason next to each refused field and keeps what was typed", async () => {
    const page = await open('#/workloads/new');
    await page.getByLabel('Name', { exact: true }).fill('Bad_Name');
    await page.getByLabel('Namespace', { exact: true }).fill(NS);
    await page.getByLabel('Container image', { exact: true }).fill('nginx:1.27');
    await page.getByLabel('Replicas', { exact: true }).fill('-1');
    await page.getByRole('button', { name: 'Create workload' }).click();

    const summary = page.getByRole('alert').filter({ hasText: 'The workload was not created' });
    await summary.waitFor();
    const listed = await summary.getByRole('listitem').allTextContents();
    expect(listed).toEqual(expect.arrayContaining([expect.stringMatching(/^name must be a DNS-1123 label/), 'manifests[0].spec.replicas must be an integer of at least 0']));

    const replicas = page.getByLabel('Replicas', { exact: true });
    await expect(replicas.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(description(page, replicas)).resolves.toContain('must be an integer of at least 0');
    const name = page.getByLabel('Name', { exact: true });
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(description(page, name)).resolves.toContain('must be a DNS-1123 label');
    // A field the hub did not refuse is not marked.
    await expect(page.getByLabel('Container image', { exact: true }).getAttribute('aria-invalid')).resolves.toBeNull();
    // What was typed is still there.
    await expect(name.inputValue()).resolves.toBe('Bad_Name');
    await expect(replicas.inputValue()).resolves.toBe('-1');
    await expect(page.getByLabel('Container image', { exact: true }).inputValue()).resolves.toBe('nginx:1.27');
    expect((await api('GET', `/api/v1/namespaces/${NS}/workloads/bad-name`)).status).toBe(404);
    await page.screenshot({ path: join(SCREENSHOTS, 'workload-editor-refused.png'), fullPage: true });
    await page.close();
  });

  it('shows a YAML syntax error with its line and sends nothing', async () => {
    const page = await open('#/workloads/new');
    await page.getByLabel('Name', { exact: true }).fill('web-yaml');
    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = page.getByLabel('Workload YAML');
    // The form's fields are in the YAML.
    await expect(yaml.inputValue()).resolves.toContain('name: web-yaml');
    const sent = changesSent(page);
    await yaml.fill('name: web-yaml\nnamespace: editor-a\nmanifests: [a, b\ntenant: team-a\n');
    await page.getByRole('button', { name: 'Create workload' }).click();

    const error = page.getByRole('alert').filter({ hasText: 'YAML syntax error' });
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/^YAML syntax error at line 4, column 1: /);
    await expect(yaml.getAttribute('aria-invalid')).resolves.toBe('true');
    // The form cannot take it either: the switch back is refused with the same error.
    await page.getByRole('tab', { name: 'Form' }).click();
    await expect(page.getByRole('tab', { name: 'YAML' }).getAttribute('aria-selected')).resolves.toBe('true');
    expect(sent).toEqual([]);
    await expect(yaml.inputValue()).resolves.toContain('manifests: [a, b');
    await page.close();
  });

  it('edits the image of a workload', async () => {
    expect((await api('POST', '/api/v1/workloads', workloadBody('web-edit', 'nginx:1.26', 2))).status).toBe(201);
    const page = await open(`#/workloads/${NS}/web-edit/edit`);
    await page.getByRole('heading', { level: 1, name: `Edit workload ${NS}/web-edit` }).waitFor();
    const image = page.getByLabel('Container image', { exact: true });
    await expect(image.inputValue()).resolves.toBe('nginx:1.26');
    await expect(page.getByLabel('Name', { exact: true }).getAttribute('readonly')).resolves.toBe('');
    await image.fill('nginx:1.27');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`${url}/#/workloads/${NS}/web-edit`);

    const view = await read('web-edit');
    expect(imageOf(view)).toBe('nginx:1.27');
    expect(view.metadata.generation).toBe(2);
    // What the form does not change is kept.
    expect(view.spec.manifests[0]?.spec.replicas).toBe(2);
    await page.close();
  });

  it('refuses to overwrite a change made since the editor read the workload, and reloads', async () => {
    expect((await api('POST', '/api/v1/workloads', workloadBody('web-race', 'nginx:1.26', 2))).status).toBe(201);
    const page = await open(`#/workloads/${NS}/web-race/edit`);
    const image = page.getByLabel('Container image', { exact: true });
    await expect(image.inputValue()).resolves.toBe('nginx:1.26');

    // Someone else changes it through the API meanwhile.
    expect((await api('PUT', `/api/v1/namespaces/${NS}/workloads/web-race`, workloadBody('web-race', 'nginx:1.26', 5))).status).toBe(200);

    await image.fill('nginx:1.27');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'changed by someone else' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('your changes were not saved');
    // Nothing was overwritten, and what was typed is still there.
    const after = await read('web-race');
    expect([imageOf(after), after.spec.manifests[0]?.spec.replicas]).toEqual(['nginx:1.26', 5]);
    await expect(image.inputValue()).resolves.toBe('nginx:1.27');

    await alert.getByRole('button', { name: 'Reload the workload' }).click();
    // The editor starts again from the version read now: the other change is there, the refusal gone.
    await alert.waitFor({ state: 'detached' });
    await expect(page.getByLabel('Replicas', { exact: true }).inputValue()).resolves.toBe('5');
    await expect(image.inputValue()).resolves.toBe('nginx:1.26');
    await image.fill('nginx:1.28');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`${url}/#/workloads/${NS}/web-race`);
    const saved = await read('web-race');
    expect([imageOf(saved), saved.spec.manifests[0]?.spec.replicas]).toEqual(['nginx:1.28', 5]);
    await page.close();
  });

  it('opens a workload the form cannot show in YAML mode, saying why', async () => {
    const body = workloadBody('web-svc', 'nginx:1.26', 1);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-svc' }, spec: { ports: [{ port: 80 }] } };
    expect((await api('POST', '/api/v1/workloads', { ...body, manifests: [...(body.manifests as unknown[]), service] })).status).toBe(201);
    const page = await open(`#/workloads/${NS}/web-svc/edit`);
    await page.getByText('The form cannot show this workload: it holds 2 manifests').waitFor();
    await expect(page.getByRole('tab', { name: 'YAML' }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.getByLabel('Workload YAML').inputValue()).resolves.toContain('kind: Service');
    await page.close();
  });

  it('shows a viewer no form', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, 'vera', 'vera-demo');
    for (const [hash, heading] of [
      ['#/workloads/new', 'New workload'],
      [`#/workloads/${NS}/web-form/edit`, `Edit workload ${NS}/web-form`],
    ] as const) {
      await page.goto(`${url}/${hash}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await expect(page.getByText('you can look at workloads, but not create or edit them').count()).resolves.toBe(1);
      await expect(page.locator('main form').count()).resolves.toBe(0);
      await expect(page.getByRole('textbox').count()).resolves.toBe(0);
    }
    await context.close();
  });

  it('raised no uncaught error in the console', () => {
    expect(pageErrors).toEqual([]);
  });
});
