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

/** An answer the console cannot use: its status and the problem's detail when the hub sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

async function json<T>(response: Response): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  const problem = (await response.json().catch(() => ({}))) as { detail?: string };
  throw new ApiError(response.status, problem.detail ?? `HTTP ${response.status}`);
}

/** Who is logged in, or null without a session. */
export async function fetchMe(): Promise<Me | null> {
  const response = await fetch('/auth/me', { headers: { accept: 'application/json' } });
  if (response.status === 401) return null;
  return json<Me>(response);
}

/** Every registered cluster, following the pages. */
export async function fetchClusters(): Promise<Cluster[]> {
  const clusters: Cluster[] = [];
  let next: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '500', ...(next === undefined ? {} : { continue: next }) });
    const page = await json<{ items: Cluster[]; metadata: { continue?: string } }>(await fetch(`/api/v1/clusters?${query}`, { headers: { accept: 'application/json' } }));
    clusters.push(...page.items);
    next = page.metadata.continue;
  } while (next !== undefined && next !== '');
  return clusters;
}

/** Ends the session; answers where the browser goes next (the provider's end-session page). */
export async function logOut(csrfToken: string): Promise<string> {
  const answer = await json<{ redirectTo: string }>(await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken } }));
  return answer.redirectTo;
}
