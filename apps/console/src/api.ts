/** The few shapes of the hub's API the console reads (see docs/api.md and docs/identity.md). */
export interface Me {
  readonly identity: { readonly subject: string; readonly email?: string; readonly role?: string; readonly tenants?: readonly string[] };
  readonly csrfToken: string;
}

export interface Condition {
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export interface Amounts {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly pods: number;
}

export interface Cluster {
  readonly name: string;
  readonly spec: { readonly zone?: string; readonly region?: string; readonly cordoned: boolean };
  readonly status: {
    readonly ready: Condition;
    readonly observedAt?: string;
    readonly capacity?: { readonly allocatable: Amounts; readonly requested: Amounts; readonly nodes: { readonly total: number; readonly ready: number }; readonly observedAt: string };
  };
}

/** One field the hub refused, as problem+json's `invalidParams` names it. */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

/** An answer the console cannot use: its status, the problem's detail, the fields refused and the problem's type. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly invalidParams: readonly InvalidParam[] = [],
    readonly type?: string,
  ) {
    super(detail);
  }

  /** A change refused because the object moved since it was read (409 `stale-write`). */
  get isStaleWrite(): boolean {
    return this.status === 409 && (this.type?.endsWith('/stale-write') ?? false);
  }
}

async function json<T>(response: Response): Promise<T> {
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
  const problem = (await response.json().catch(() => ({}))) as { detail?: string; invalidParams?: InvalidParam[]; type?: string };
  throw new ApiError(response.status, problem.detail ?? `HTTP ${response.status}`, problem.invalidParams ?? [], problem.type);
}

let csrfToken = '';

/** The session's CSRF token, which every request that changes anything carries (GET /auth/me gives it). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** A GET of the hub's API. */
export async function get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const defined = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  const search = defined.length === 0 ? '' : `?${new URLSearchParams(defined)}`;
  return json<T>(await fetch(`${path}${search}`, { headers: { accept: 'application/json' } }));
}

/** A change through the hub's API, with the session's CSRF token; `extra` adds headers (e.g. `if-match`). */
export async function send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { ...extra, accept: 'application/json', 'x-csrf-token': csrfToken };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return json<T>(await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
}

/** Every item of a list, following its continue tokens. */
export async function getAll<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const page = await get<{ items: T[]; metadata: { continue?: string } }>(path, { ...query, limit: '500', continue: next });
    items.push(...page.items);
    next = page.metadata.continue;
  } while (next !== undefined && next !== '');
  return items;
}

/** The message of anything thrown, for an error state. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Who is logged in, or null without a session. */
export async function fetchMe(): Promise<Me | null> {
  const response = await fetch('/auth/me', { headers: { accept: 'application/json' } });
  if (response.status === 401) return null;
  return json<Me>(response);
}

/** Every registered cluster. */
export function fetchClusters(): Promise<Cluster[]> {
  return getAll<Cluster>('/api/v1/clusters');
}

/** Ends the session; answers where the browser goes next (the provider's end-session page). */
export async function logOut(token: string): Promise<string> {
  const answer = await json<{ redirectTo: string }>(await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': token } }));
  return answer.redirectTo;
}

/** A query or mutation of the hub's GraphQL API; the first error is thrown as an ApiError. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json().catch(() => ({}))) as { data?: T; errors?: { message: string; extensions?: { status?: number; invalidParams?: InvalidParam[]; type?: string } }[] };
  const [error] = answer.errors ?? [];
  if (error !== undefined) throw new ApiError(error.extensions?.status ?? response.status, error.message, error.extensions?.invalidParams ?? [], error.extensions?.type);
  if (!response.ok || answer.data === undefined) throw new ApiError(response.status, `HTTP ${response.status}`);
  return answer.data;
}
