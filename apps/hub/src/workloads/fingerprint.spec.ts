import { describe, expect, it } from '@jest/globals';
import { fingerprint, project } from './fingerprint.ts';

const desired = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
};

/** What a member answers: the desired fields plus defaults, status and metadata of its own. */
const live = (replicas = 3, image = 'nginx:1.27'): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', extra: 'added-by-someone' }, resourceVersion: '42', uid: 'u1' },
  spec: {
    replicas,
    strategy: { type: 'RollingUpdate' },
    template: { spec: { containers: [{ name: 'web', image, terminationMessagePath: '/dev/termination-log' }], restartPolicy: 'Always' } },
  },
  status: { readyReplicas: 1 },
});

describe('fingerprint', () => {
  it('reads only the fields the hub sets', () => {
    expect(project(desired, live())).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { labels: { app: 'web' }, name: 'web' },
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'nginx:1.27', name: 'web' }] } } },
    });
  });

  it.each([
    ['fields other managers add', live(), true],
    ['a status change', { ...live(), status: { readyReplicas: 3 } }, true],
    ['replicas changed by hand', live(5), false],
    ['the image changed by hand', live(3, 'evil:latest'), false],
    ['a hub label removed', { ...live(), metadata: { name: 'web', labels: {} } }, false],
  ])('%s: same digest = %s', (_what, after, same) => {
    expect(fingerprint(desired, after) === fingerprint(desired, live())).toBe(same);
  });

  it('treats a missing field as changed, not as equal to anything', () => {
    expect(fingerprint(desired, { ...live(), spec: {} })).not.toBe(fingerprint(desired, live()));
  });
});
