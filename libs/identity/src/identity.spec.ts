import { describe, expect, it } from '@jest/globals';
import { hasRole, identityFromClaims, inTenant } from './identity.ts';

describe('identityFromClaims', () => {
  it('takes the highest role and every tenant from the groups claim', () => {
    const id = identityFromClaims({ sub: 'oscar', email: 'oscar@example.test', groups: ['flotilla-viewer', 'flotilla-operator', 'flotilla-tenant-team-a', 'flotilla-tenant-team-b', 'unrelated'] });
    expect(id).toEqual({ subject: 'oscar', email: 'oscar@example.test', groups: ['flotilla-viewer', 'flotilla-operator', 'flotilla-tenant-team-a', 'flotilla-tenant-team-b', 'unrelated'], role: 'operator', tenants: ['team-a', 'team-b'] });
  });

  it('reads a configured claim and prefix, and one group given as a string', () => {
    expect(identityFromClaims({ sub: 'ada', roles: 'fleet:admin' }, { claim: 'roles', prefix: 'fleet:' }).role).toBe('admin');
  });

  it('names a machine client by its client id', () => {
    expect(identityFromClaims({ client_id: 'flotilla-ci', groups: ['flotilla-operator'] })).toMatchObject({ subject: 'client:flotilla-ci', role: 'operator' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['no groups', { sub: 'x' }],
    ['groups that are not strings', { sub: 'x', groups: [1, { admin: true }, null] }],
    ['a role-like group of another prefix', { sub: 'x', groups: ['admin', 'flotilla-root', 'flotilla-admins'] }],
    ['no subject at all', { groups: ['flotilla-admin'] }],
    ['a subject posing as the hub\'s automation', { sub: 'system:failover', groups: ['flotilla-admin'] }],
  ])('gives no role (deny) for %s', (_what, claims) => {
    expect(identityFromClaims(claims).role).toBeUndefined();
  });

  it('ignores malformed tenant names', () => {
    expect(identityFromClaims({ sub: 'x', groups: ['flotilla-tenant-', 'flotilla-tenant-Team_A', 'flotilla-tenant-ok'] }).tenants).toEqual(['ok']);
  });
});

describe('hasRole and inTenant', () => {
  const viewer = identityFromClaims({ sub: 'v', groups: ['flotilla-viewer', 'flotilla-tenant-team-a'] });
  const admin = identityFromClaims({ sub: 'a', groups: ['flotilla-admin'] });
  const nobody = identityFromClaims({ sub: 'n' });

  it('orders roles viewer < operator < admin', () => {
    expect([hasRole(viewer, 'viewer'), hasRole(viewer, 'operator'), hasRole(admin, 'operator'), hasRole(nobody, 'viewer')]).toEqual([true, false, true, false]);
  });

  it('lets a member into its tenants only, and an admin into all', () => {
    expect([inTenant(viewer, 'team-a'), inTenant(viewer, 'team-b'), inTenant(admin, 'team-b'), inTenant(nobody, 'team-a')]).toEqual([true, false, true, false]);
  });
});
