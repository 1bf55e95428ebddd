import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { ValidationError } from '../../errors/src/index.ts';
import { parseCredentialsRotation, parseRegistration } from './registration.ts';
import { CA_PEM, CLIENT_CERT_PEM, CLIENT_KEY_PEM, ENCRYPTED_KEY_PEM, OTHER_KEY_PEM } from './test-pki.fixture.ts';

const TOKEN = 'tok3n-s3cret-value-0123456789';
const strict = { allowInsecureHttp: false };
const b64 = (text: string): string => Buffer.from(text).toString('base64');

const tokenBody = {
  name: 'east-1',
  server: 'https://10.0.0.1:6443',
  caBundle: CA_PEM,
  credentials: { type: 'token', token: TOKEN },
};

interface KubeconfigOptions {
  readonly user?: Record<string, unknown>;
  readonly cluster?: Record<string, unknown>;
  readonly currentContext?: string | null;
}

function kubeconfig(options: KubeconfigOptions = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c1', cluster: { server: 'https://10.0.0.2:6443', 'certificate-authority-data': b64(CA_PEM), ...options.cluster } }],
    users: [{ name: 'u1', user: options.user ?? { token: TOKEN } }],
    contexts: [
      { name: 'west-2', context: { cluster: 'c1', user: 'u1' } },
      { name: 'Not_A_Name', context: { cluster: 'c1', user: 'u1' } },
    ],
    ...(options.currentContext === null ? {} : { 'current-context': options.currentContext ?? 'west-2' }),
  };
}

/** The invalid params of a refused body; fails the test when the body is accepted. */
function refusal(body: unknown, policy = strict): { name: string; reason: string }[] {
  try {
    parseRegistration(body, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    // No refusal may carry a secret, whatever field it is about.
    for (const secret of [TOKEN, CLIENT_KEY_PEM.split('\n')[1] as string, b64(CLIENT_KEY_PEM).slice(0, 40)]) {
      expect(validation.message).not.toContain(secret);
      expect(JSON.stringify(validation.invalidParams)).not.toContain(secret);
    }
    return validation.invalidParams.map((param) => ({ name: param.name, reason: param.reason }));
  }
  throw new Error('expected the body to be refused');
}

describe('parseRegistration', () => {
  it('accepts a token registration and maps zone, region and provider onto labels', () => {
    const registration = parseRegistration({ ...tokenBody, zone: 'a', region: 'eu', provider: 'kind', labels: { tier: 'gold' }, cordoned: true }, strict);
    expect(registration).toEqual({
      spec: {
        name: 'east-1',
        server: 'https://10.0.0.1:6443',
        caBundle: CA_PEM,
        labels: { tier: 'gold', 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'eu', 'flotilla.dev/provider': 'kind' },
        taints: [],
        cordoned: true,
      },
      credentials: { type: 'token', token: TOKEN },
    });
  });

  it('accepts a client certificate whose key matches', () => {
    const registration = parseRegistration(
      { ...tokenBody, credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: CLIENT_KEY_PEM } },
      strict,
    );
    expect(registration.credentials).toEqual({ type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: CLIENT_KEY_PEM });
  });

  it('accepts taints', () => {
    const taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'spot', effect: 'PreferNoSchedule' }];
    expect(parseRegistration({ ...tokenBody, taints }, strict).spec.taints).toEqual(taints);
  });

  it('takes the current context of a kubeconfig, given as text or as an object, and names the cluster after it', () => {
    for (const given of [stringify(kubeconfig()), kubeconfig()]) {
      const registration = parseRegistration({ kubeconfig: given, zone: 'b' }, strict);
      expect(registration.spec).toMatchObject({ name: 'west-2', server: 'https://10.0.0.2:6443', caBundle: CA_PEM, labels: { 'topology.kubernetes.io/zone': 'b' } });
      expect(registration.credentials).toEqual({ type: 'token', token: TOKEN });
    }
  });

  it('takes the chosen context, and client certificate data, from a kubeconfig', () => {
    const config = kubeconfig({ user: { 'client-certificate-data': b64(CLIENT_CERT_PEM), 'client-key-data': b64(CLIENT_KEY_PEM) } });
    const registration = parseRegistration({ name: 'mine', kubeconfig: stringify(config), context: 'Not_A_Name' }, strict);
    expect(registration.spec.name).toBe('mine');
    expect(registration.credentials).toEqual({ type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: CLIENT_KEY_PEM });
  });

  it('accepts plain http on loopback only when allowed', () => {
    const body = { ...tokenBody, server: 'http://127.0.0.1:8080' };
    expect(parseRegistration(body, { allowInsecureHttp: true }).spec.server).toBe('http://127.0.0.1:8080');
    expect(parseRegistration({ ...body, server: 'http://[::1]:8080/' }, { allowInsecureHttp: true }).spec.server).toBe('http://[::1]:8080');
  });

  it.each<[string, unknown, { name: string; reason: RegExp }[]]>([
    ['a missing name', { ...tokenBody, name: undefined }, [{ name: 'name', reason: /is required/ }]],
    ['a name that is not DNS-1123', { ...tokenBody, name: 'East_1' }, [{ name: 'name', reason: /DNS-1123 label/ }]],
    ['a name too long', { ...tokenBody, name: 'a'.repeat(64) }, [{ name: 'name', reason: /at most 63/ }]],
    ['an unknown field', { ...tokenBody, replicas: 3 }, [{ name: 'replicas', reason: /not a known field/ }]],
    ['a missing server', { ...tokenBody, server: undefined }, [{ name: 'server', reason: /is required/ }]],
    ['plain http', { ...tokenBody, server: 'http://10.0.0.1:6443' }, [{ name: 'server', reason: /must use https/ }]],
    ['another scheme', { ...tokenBody, server: 'ftp://10.0.0.1' }, [{ name: 'server', reason: /https:\/\// }]],
    ['not a URL', { ...tokenBody, server: 'cluster.example:6443' }, [{ name: 'server', reason: /absolute URL|https/ }]],
    ['a password in the URL', { ...tokenBody, server: `https://admin:${TOKEN}@10.0.0.1` }, [{ name: 'server', reason: /user name or password/ }]],
    ['a query in the URL', { ...tokenBody, server: 'https://10.0.0.1?x=1' }, [{ name: 'server', reason: /query/ }]],
    ['a CA bundle that is not PEM', { ...tokenBody, caBundle: 'hello' }, [{ name: 'caBundle', reason: /at least one PEM certificate/ }]],
    [
      'a CA bundle with a broken certificate',
      { ...tokenBody, caBundle: CA_PEM.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA') },
      [{ name: 'caBundle', reason: /not a valid X.509 certificate/ }],
    ],
    ['a private key in the CA bundle', { ...tokenBody, caBundle: CA_PEM + CLIENT_KEY_PEM }, [{ name: 'caBundle', reason: /only certificates; PEM block 2 is a PRIVATE KEY/ }]],
    ['missing credentials', { ...tokenBody, credentials: undefined }, [{ name: 'credentials', reason: /is required/ }]],
    ['an unknown credential type', { ...tokenBody, credentials: { type: 'password' } }, [{ name: 'credentials.type', reason: /token.*clientCertificate/ }]],
    ['an empty token', { ...tokenBody, credentials: { type: 'token', token: '' } }, [{ name: 'credentials.token', reason: /is required/ }]],
    ['a token with a newline', { ...tokenBody, credentials: { type: 'token', token: `${TOKEN}\nX-Evil: 1` } }, [{ name: 'credentials.token', reason: /without whitespace/ }]],
    [
      'a client key that does not match the certificate',
      { ...tokenBody, credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: OTHER_KEY_PEM } },
      [{ name: 'credentials.keyPem', reason: /does not match the client certificate/ }],
    ],
    [
      'an encrypted client key',
      { ...tokenBody, credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: ENCRYPTED_KEY_PEM } },
      [{ name: 'credentials.keyPem', reason: /encrypted private key/ }],
    ],
    [
      'a client key that is not a key',
      { ...tokenBody, credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: CLIENT_CERT_PEM } },
      [{ name: 'credentials.keyPem', reason: /must be a PEM private key; found a CERTIFICATE/ }],
    ],
    [
      'a broken client key',
      { ...tokenBody, credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: CLIENT_KEY_PEM.replace(/\n[A-Za-z0-9+/]{30}/, '\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') } },
      [{ name: 'credentials.keyPem', reason: /not a valid private key|does not match/ }],
    ],
    [
      'a client certificate that is not PEM',
      { ...tokenBody, credentials: { type: 'clientCertificate', certificatePem: 'nope', keyPem: CLIENT_KEY_PEM } },
      [{ name: 'credentials.certificatePem', reason: /at least one PEM certificate/ }],
    ],
    ['a bad label key', { ...tokenBody, labels: { 'Bad Key': 'x' } }, [{ name: 'labels.Bad Key', reason: /key name/ }]],
    ['a bad label value', { ...tokenBody, labels: { tier: 'x y' } }, [{ name: 'labels.tier', reason: /value must be/ }]],
    ['a label that is not a string', { ...tokenBody, labels: { tier: 3 } }, [{ name: 'labels.tier', reason: /must be a string/ }]],
    ['a zone that contradicts the labels', { ...tokenBody, zone: 'a', labels: { 'topology.kubernetes.io/zone': 'b' } }, [{ name: 'zone', reason: /contradicts/ }]],
    ['a taint without effect', { ...tokenBody, taints: [{ key: 'gpu' }] }, [{ name: 'taints[0].effect', reason: /one of NoSchedule/ }]],
    [
      'a repeated taint',
      { ...tokenBody, taints: [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'gpu', value: 'x', effect: 'NoSchedule' }] },
      [{ name: 'taints[1]', reason: /repeats/ }],
    ],
    ['cordoned that is not a boolean', { ...tokenBody, cordoned: 'yes' }, [{ name: 'cordoned', reason: /true or false/ }]],
    ['a context without kubeconfig', { ...tokenBody, context: 'x' }, [{ name: 'context', reason: /only with kubeconfig/ }]],
    ['no object', 'register me', [{ name: 'body', reason: /must be an object/ }]],
  ])('refuses %s', (_what, body, expected) => {
    const params = refusal(body);
    for (const { name, reason } of expected) {
      expect(params).toContainEqual({ name, reason: expect.stringMatching(reason) as unknown as string });
    }
  });

  it('refuses http on a non-loopback host even when insecure http is allowed', () => {
    expect(refusal({ ...tokenBody, server: 'http://10.0.0.1:8080' }, { allowInsecureHttp: true })).toEqual([
      { name: 'server', reason: expect.stringMatching(/only on a loopback address/) as unknown as string },
    ]);
  });

  it('names every bad field at once', () => {
    const names = refusal({ name: 'BAD', server: 'http://x', credentials: { type: 'token' }, labels: { 'a b': 'c' } }).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['name', 'server', 'credentials.token', 'labels.a b']));
  });
});

describe('parseRegistration with a kubeconfig', () => {
  it.each<[string, unknown, { name: string; reason: RegExp }]>([
    ['an exec plugin', kubeconfig({ user: { exec: { command: 'aws', args: ['eks', 'get-token'] } } }), { name: 'kubeconfig.users[0].user.exec', reason: /exec credential plugins are refused/ }],
    ['an auth provider', kubeconfig({ user: { 'auth-provider': { name: 'gcp' } } }), { name: 'kubeconfig.users[0].user.auth-provider', reason: /auth-provider plugins are refused/ }],
    ['a tokenFile', kubeconfig({ user: { tokenFile: '/var/run/token' } }), { name: 'kubeconfig.users[0].user.tokenFile', reason: /file reference/ }],
    ['a client-certificate path', kubeconfig({ user: { 'client-certificate': '/c.crt', 'client-key-data': b64(CLIENT_KEY_PEM) } }), { name: 'kubeconfig.users[0].user.client-certificate', reason: /file reference/ }],
    ['a client-key path', kubeconfig({ user: { 'client-certificate-data': b64(CLIENT_CERT_PEM), 'client-key': '/c.key' } }), { name: 'kubeconfig.users[0].user.client-key', reason: /file reference/ }],
    ['a certificate-authority path', kubeconfig({ cluster: { 'certificate-authority': '/ca.crt' } }), { name: 'kubeconfig.clusters[0].cluster.certificate-authority', reason: /file reference/ }],
    ['insecure-skip-tls-verify', kubeconfig({ cluster: { 'insecure-skip-tls-verify': true } }), { name: 'kubeconfig.clusters[0].cluster.insecure-skip-tls-verify', reason: /always verifies/ }],
    ['basic auth', kubeconfig({ user: { username: 'admin', password: TOKEN } }), { name: 'kubeconfig.users[0].user.password', reason: /basic authentication/ }],
    ['a user without credentials', kubeconfig({ user: {} }), { name: 'kubeconfig.users[0].user', reason: /has no credentials/ }],
    ['a token and a certificate', kubeconfig({ user: { token: TOKEN, 'client-certificate-data': b64(CLIENT_CERT_PEM), 'client-key-data': b64(CLIENT_KEY_PEM) } }), { name: 'kubeconfig.users[0].user', reason: /both a token and a client certificate/ }],
    ['a mismatched key', kubeconfig({ user: { 'client-certificate-data': b64(CLIENT_CERT_PEM), 'client-key-data': b64(OTHER_KEY_PEM) } }), { name: 'kubeconfig.users[0].user.client-key-data', reason: /does not match/ }],
    ['CA data that is not base64', kubeconfig({ cluster: { 'certificate-authority-data': '%%%' } }), { name: 'kubeconfig.clusters[0].cluster.certificate-authority-data', reason: /base64/ }],
    ['CA data that is not a certificate', kubeconfig({ cluster: { 'certificate-authority-data': b64('nope') } }), { name: 'kubeconfig.clusters[0].cluster.certificate-authority-data', reason: /PEM certificate/ }],
    ['plain http', kubeconfig({ cluster: { server: 'http://10.0.0.2' } }), { name: 'kubeconfig.clusters[0].cluster.server', reason: /must use https/ }],
    ['no current context', kubeconfig({ currentContext: null }), { name: 'context', reason: /no current-context \(its contexts: west-2, Not_A_Name\)/ }],
    ['an unknown current context', kubeconfig({ currentContext: 'gone' }), { name: 'kubeconfig.current-context', reason: /names no context/ }],
    ['a context name that is not a cluster name', kubeconfig({ currentContext: 'Not_A_Name' }), { name: 'name', reason: /not a DNS-1123 label/ }],
    ['a document that is not a kubeconfig', ['a', 'b'], { name: 'kubeconfig', reason: /kubeconfig document/ }],
  ])('refuses %s', (_what, config, expected) => {
    const params = refusal({ kubeconfig: stringify(config) });
    expect(params).toContainEqual({ name: expected.name, reason: expect.stringMatching(expected.reason) as unknown as string });
  });

  it('refuses an exec plugin in a user the chosen context does not use', () => {
    const config = kubeconfig();
    (config.users as unknown[]).push({ name: 'u2', user: { exec: { command: 'gke-gcloud-auth-plugin' } } });
    expect(refusal({ kubeconfig: config })).toEqual([
      { name: 'kubeconfig.users[1].user.exec', reason: expect.stringMatching(/exec/) as unknown as string },
    ]);
  });

  it('refuses an unknown context by name, listing the ones there are', () => {
    expect(refusal({ kubeconfig: kubeconfig(), context: 'prod' })).toEqual([
      { name: 'context', reason: 'names no context of the kubeconfig (its contexts: west-2, Not_A_Name)' },
    ]);
  });

  it('refuses server, caBundle or credentials next to a kubeconfig', () => {
    expect(refusal({ kubeconfig: kubeconfig(), server: 'https://x' }).map((p) => p.name)).toEqual(['server']);
  });

  it('reports invalid YAML by position, never quoting the line (which may hold the token)', () => {
    const text = `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${TOKEN}\n   bad: [indent\n`;
    const params = refusal({ kubeconfig: text });
    expect(params).toEqual([{ name: 'kubeconfig', reason: expect.stringMatching(/^is not valid YAML \([A-Z_]+ at line \d+, column \d+\)$/) as unknown as string }]);
  });

  it('refuses several YAML documents', () => {
    expect(refusal({ kubeconfig: `${stringify(kubeconfig())}---\n${stringify(kubeconfig())}` })).toEqual([
      { name: 'kubeconfig', reason: 'must be one YAML document, found 2' },
    ]);
  });
});

describe('parseCredentialsRotation', () => {
  it('takes new credentials and keeps the CA bundle unless one is given', () => {
    expect(parseCredentialsRotation({ credentials: { type: 'token', token: TOKEN } }, 'https://10.0.0.1:6443', strict)).toEqual({
      credentials: { type: 'token', token: TOKEN },
      replacesCaBundle: false,
    });
    expect(parseCredentialsRotation({ credentials: { type: 'token', token: TOKEN }, caBundle: CA_PEM }, 'https://10.0.0.1:6443', strict)).toEqual({
      credentials: { type: 'token', token: TOKEN },
      replacesCaBundle: true,
      caBundle: CA_PEM,
    });
  });

  it('takes credentials and CA from a kubeconfig for the registered server', () => {
    expect(parseCredentialsRotation({ kubeconfig: stringify(kubeconfig()) }, 'https://10.0.0.2:6443', strict)).toEqual({
      credentials: { type: 'token', token: TOKEN },
      replacesCaBundle: true,
      caBundle: CA_PEM,
    });
  });

  it('refuses a kubeconfig for another server', () => {
    expect(() => parseCredentialsRotation({ kubeconfig: kubeconfig() }, 'https://10.9.9.9:6443', strict)).toThrow(/points at another server/);
  });

  it('refuses a body without credentials', () => {
    expect(() => parseCredentialsRotation({}, 'https://10.0.0.2:6443', strict)).toThrow(/credentials: is required/);
  });
});
