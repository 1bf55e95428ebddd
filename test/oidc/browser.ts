/** A browser's cookies, per origin, as far as the tests and benches need: name=value, set and cleared. */
export class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();

  take(url: string, response: Response): void {
    const jar = this.jar(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      if (value === '' || expired) jar.delete(name);
      else jar.set(name, value);
    }
  }

  header(url: string): string {
    return [...this.jar(url)].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(url: string, name: string): string | undefined {
    return this.jar(url).get(name);
  }

  private jar(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let jar = this.byOrigin.get(origin);
    if (!jar) this.byOrigin.set(origin, (jar = new Map<string, string>()));
    return jar;
  }
}

/** One browser at HTTP level: follows nothing by itself, keeps cookies. */
export class Browser {
  readonly cookies = new CookieJar();
  /** Every Set-Cookie line received, as sent. */
  readonly setCookies: string[] = [];

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.cookies.header(url);
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(cookie === '' ? {} : { cookie }), ...(init.headers as Record<string, string> | undefined) } });
    this.cookies.take(url, response);
    this.setCookies.push(...response.headers.getSetCookie());
    return response;
  }

  /** Follows redirects from `url` until a page that is not one; returns it and every URL visited. */
  async follow(url: string): Promise<{ response: Response; visited: string[] }> {
    const visited = [url];
    let response = await this.go(url);
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location') ?? '', visited[visited.length - 1]).href;
      visited.push(next);
      response = await this.go(next);
    }
    return { response, visited };
  }
}

/**
 * Logs `user` in to the hub at `hubUrl` through the provider's own form, in `browser`; answers
 * every URL visited (the last is where the browser landed).
 */
export async function logIn(browser: Browser, hubUrl: string, user: string, password: string, returnTo?: string): Promise<{ form: string; formPage: Response; submitted: Response; landed: string }> {
  const start = await browser.follow(`${hubUrl}/auth/login${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`);
  const form = start.visited[start.visited.length - 1] as string;
  const submitted = await browser.go(`${form}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login: user, password }).toString() });
  const back = submitted.status === 303 ? await browser.follow(new URL(submitted.headers.get('location') ?? '', form).href) : { visited: [form] };
  return { form, formPage: start.response, submitted, landed: back.visited[back.visited.length - 1] as string };
}
