import { type V1Deployment } from '@kubernetes/client-node';

/**
 * A Deployment for tests on the local fleet: one container per pod requesting 100m CPU and
 * 64Mi memory, so capacity arithmetic has known numbers. KWOK runs no image.
 */
export function testDeployment(name: string, replicas: number, namespace = 'default'): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.29', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  };
}
