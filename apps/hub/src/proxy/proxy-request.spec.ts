import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { identityFromClaims } from '../../../../libs/identity/src/index.ts';
import { forwardedRequestHeaders, forwardedResponseHeaders, headerLines, impersonationOf, memberTarget } from './proxy-request.ts';

describe('memberTarget', () => {
  it.each<[string, { cluster: string; path: string; query: string }]>([
    ['/api/v1/clusters/member-a/proxy/api/v1/namespaces/x/pods', { cluster: 'member-a', path: '/api/v1/namespaces/x/pods', query: '' }],
    ['/api/v1/clusters/member-a/proxy/', { cluster: 'member-a', path: '/', query: '' }],
    ['/api/v1/clusters/c1/proxy/api/v1/pods?watch=true&labelSelector=a%3Db', { cluster: 'c1', path: '/api/v1/pods', query: '?watch=true&labelSelector=a%3Db' }],
    ['/api/v1/clusters/c1/proxy/api/v1/namespaces/x/services/web/proxy/', { cluster: 'c1', path: '/api/v1/namespaces/x/services/web/proxy/', query: '' }],
    // Encoded characters other than separators stay as the client encoded them.
    ['/api/v1/clusters/c1/proxy/api/v1/namespaces/x/configmaps/a%3Fb', { cluster: 'c1', path: '/api/v1/namespaces/x/configmaps/a%3Fb', query: '' }],
    // An absolute URL in the path is a path on that member, never another host.
    ['/api/v1/clusters/c1/proxy/https:/evil.example.com', { cluster: 'c1', path: '/https:/evil.example.com', query: '' }],
  ])('%s', (url, want) => {
    expect(memberTarget(url)).toEqual(want);
  });

  it.each<[string, RegExp]>([
    ['/api/v1/clusters/c1/proxy/api/../../../healthz', /"\." or "\.\." segments/],
    ['/api/v1/clusters/c1/proxy/api/%2e%2e/x', /"\." or "\.\." segments/],
    ['/api/v1/clusters/c1/proxy/api/%2E%2E/x', /"\." or "\.\." segments/],
    ['/api/v1/clusters/c1/proxy/./api', /"\." or "\.\." segments/],
    ['/api/v1/clusters/c1/proxy/api/..%2f..%2fx', /encoded "\/"/],
    ['/api/v1/clusters/c1/proxy/api/..%5c..', /encoded "\/" or a "\\"/],
    ['/api/v1/clusters/c1/proxy//evil.example.com/api', /empty segments/],
    ['/api/v1/clusters/c1/proxy/api/%0d%0aX-Injected:1', /control characters/],
    ['/api/v1/clusters/c1/proxy/api/%zz', /malformed percent-encoding/],
  ])('refuses %s, naming the path', (url, reason) => {
    let error: unknown;
    try {
      memberTarget(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).invalidParams).toEqual([{ name: 'path', reason: expect.stringMatching(reason) }]);
  });

  it('refuses a cluster name that cannot be registered, naming it', () => {
    expect(() => memberTarget('/api/v1/clusters/Bad_Name/proxy/api')).toThrow(expect.objectContaining({ invalidParams: [{ name: 'name', reason: expect.stringMatching(/DNS-1123/) }] }));
  });
});

describe('forwardedRequestHeaders', () => {
  it('passes end-to-end headers and drops credentials, identity, forwarding and hop-by-hop headers', () => {
    expect(
      forwardedRequestHeaders({
        accept: 'application/json',
        'content-type': 'application/json',
        'content-length': '12',
        'user-agent': 'kubectl/v1.37.2',
        authorization: 'Bearer hub-token',
        cookie: 'flotilla_session=secret',
        'x-csrf-token': 'csrf',
        'impersonate-user': 'system:admin',
        'impersonate-group': 'system:masters',
        'impersonate-extra-scopes': 'x',
        'impersonate-uid': '1',
        'x-remote-user': 'admin',
        'x-remote-group': 'system:masters',
        'x-forwarded-for': '10.0.0.1',
        forwarded: 'for=10.0.0.1',
        'audit-id': 'forged',
        host: 'hub.example.com',
        connection: 'keep-alive, x-custom-hop',
        'x-custom-hop': 'dropped',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        upgrade: 'SPDY/3.1',
        te: 'trailers',
        expect: '100-continue',
      }),
    ).toEqual({ accept: 'application/json', 'content-type': 'application/json', 'content-length': '12', 'user-agent': 'kubectl/v1.37.2' });
  });
});

describe('forwardedResponseHeaders', () => {
  it('drops cookies, the member\'s authentication challenge and hop-by-hop headers', () => {
    expect(
      forwardedResponseHeaders({
        'content-type': 'application/json',
        'audit-id': 'abc',
        'set-cookie': ['a=b'],
        'www-authenticate': 'Basic realm="kubernetes-master"',
        'transfer-encoding': 'chunked',
        connection: 'close',
      }),
    ).toEqual({ 'content-type': 'application/json', 'audit-id': 'abc' });
  });
});

describe('headerLines', () => {
  it('gives every value of a header a line of its own, and none to an empty list', () => {
    expect(headerLines({ accept: 'application/json', 'impersonate-group': ['oidc:a', 'oidc:b, c'], 'x-empty': [] })).toEqual(['accept', 'application/json', 'impersonate-group', 'oidc:a', 'impersonate-group', 'oidc:b, c']);
  });
});

describe('impersonationOf', () => {
  const oscar = identityFromClaims({ sub: 'oscar', email: 'oscar@example.test', groups: ['flotilla-operator', 'flotilla-tenant-team-a'] });
  const machine = identityFromClaims({ sub: 'test-operator', groups: ['flotilla-operator'] });

  it('names the caller by subject or email with the prefixes, with every group', () => {
    expect(impersonationOf(oscar, { usernameClaim: 'sub', usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' })).toEqual({ user: 'oidc:oscar', groups: ['oidc:flotilla-operator', 'oidc:flotilla-tenant-team-a'] });
    expect(impersonationOf(oscar, { usernameClaim: 'email', usernamePrefix: 'sso#', groupsPrefix: 'sso:' })).toEqual({ user: 'sso#oscar@example.test', groups: ['sso:flotilla-operator', 'sso:flotilla-tenant-team-a'] });
  });

  it('finds no user by email for a caller without one', () => {
    expect(impersonationOf(machine, { usernameClaim: 'email', usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' })).toBeUndefined();
  });
});
