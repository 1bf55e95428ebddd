import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { GraphqlSubscription } from '../integration/support/graphql-subscription.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { Fleet } from './fleet.ts';
import { closeHub, FAST_FAILOVER_ENV, HubApi, workloadDeployment } from './hub-on-fleet.ts';
import type { MemberCluster } from './member-cluster.ts';

// GraphQL subscriptions on a real member cluster of this file's own (the shared fleet's are
// never broken): a viewer of team-a follows its workload being placed, and the cluster going
// not Ready when it is killed.
describe('GraphQL subscriptions on a real member cluster', () => {
  const prefix = testPrefix('gql-subs');
  const namespace = `gqs-${randomBytes(3).toString('hex')}`;
  let fleet: Fleet;
  let member: MemberCluster;
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    fleet = await Fleet.start();
    member = await fleet.addCluster({ name: 'gqs-a', zone: 'a', nodes: 1 });
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, ...FAST_FAILOVER_ENV }), { logDestination: new LogLines() });
    url = await hub.listen();
    await new HubApi(url).registerAndWaitReady([member]);
  }, 300_000);

  afterAll(async () => {
    await closeHub(hub, prefix);
    await fleet?.stop();
  }, 60_000);

  it('tells a subscriber its workload was placed on the cluster', async () => {
    const changes = await GraphqlSubscription.open(url, await authHeader('viewer'), `subscription($ns: String) { workloadStatus(namespace: $ns) { event { reason name } workload { name status { phase } clusters { name availableReplicas cluster { name zone } } } } }`, { ns: namespace });
    try {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { ...(await authHeader('operator')), 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($w: JSON!) { createWorkload(workload: $w) { name } }', variables: { w: { name: 'web', namespace, tenant: 'team-a', manifests: [workloadDeployment('web', 1)] } } }),
      });
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      const placed = await changes.next('the workload placed on gqs-a', (m) => {
        const change = m.data?.workloadStatus as { workload: { clusters: { name: string }[] } | null } | undefined;
        return change?.workload?.clusters.some((c) => c.name === 'gqs-a') === true;
      }, 60_000);
      expect(placed.data?.workloadStatus).toMatchObject({ event: { name: `${namespace}/web` }, workload: { name: 'web', clusters: [{ name: 'gqs-a', cluster: { name: 'gqs-a', zone: 'a' } }] } });
      // Then the copy on the member becomes Available, and the workload with it.
      const available = await changes.next('the copy Available on gqs-a', (m) => (m.data?.workloadStatus as { event: { reason: string } } | undefined)?.event.reason === 'AvailableOnCluster', 60_000);
      expect(available.data?.workloadStatus).toMatchObject({ event: { name: `${namespace}/web` }, workload: { status: { phase: 'Available' }, clusters: [{ name: 'gqs-a', availableReplicas: 1 }] } });
    } finally {
      changes.close();
    }
  }, 90_000);

  it('tells a subscriber the cluster went not Ready when it is killed', async () => {
    const health = await GraphqlSubscription.open(url, await authHeader('viewer'), 'subscription { clusterHealth(name: "gqs-a") { event { reason type actor } cluster { name ready { status reason } } } }');
    try {
      await member.kill();
      const notReady = await health.next('ClusterNotReady of gqs-a', (m) => (m.data?.clusterHealth as { event: { reason: string } } | undefined)?.event.reason === 'ClusterNotReady', 30_000);
      expect(notReady.data?.clusterHealth).toEqual({
        event: { reason: 'ClusterNotReady', type: 'Warning', actor: 'prober' },
        cluster: { name: 'gqs-a', ready: { status: 'False', reason: expect.any(String) as unknown } },
      });
    } finally {
      health.close();
    }
  }, 60_000);
});
