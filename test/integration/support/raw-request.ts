import { request } from 'node:http';

/**
 * A GET with the path exactly as given: fetch (the WHATWG URL parser) would resolve `..` and
 * `%2e%2e` segments before sending, so a test of what the server does with them needs this.
 */
export function rawGet(baseUrl: string, path: string, headers: Readonly<Record<string, string>>): Promise<{ status: number; body: string }> {
  const target = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
