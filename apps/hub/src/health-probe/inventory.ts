import { computeCapacity, type NodeObject, type PodObject, type ProbeInventory } from '../../../../libs/health/src/index.ts';
import { describeTransportError, type MemberClient } from './member-http.ts';

/** Items per list page: bounds what one answer holds on large clusters. */
const PAGE_SIZE = 500;

// Finished and unscheduled pods hold no room; leaving them out server-side keeps answers small.
const ACTIVE_BOUND_PODS = encodeURIComponent('status.phase!=Succeeded,status.phase!=Failed,spec.nodeName!=');

/** An answer the hub could not use, with the HTTP status when there was one. */
class InventoryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

async function getJson(client: MemberClient, path: string, signal: AbortSignal): Promise<unknown> {
  const answer = await client.get(path, signal);
  if (answer.status !== 200) throw new InventoryError(`${path.split('?')[0]} answered ${answer.status}`, answer.status);
  try {
    return JSON.parse(answer.body) as unknown;
  } catch {
    throw new InventoryError(`${path.split('?')[0]} answered something other than JSON`);
  }
}

/** Every item of a list, page by page. */
async function listAll<T>(client: MemberClient, path: string, query: string, signal: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = (await getJson(
      client,
      `${path}?limit=${PAGE_SIZE}${query}${token === undefined ? '' : `&continue=${encodeURIComponent(token)}`}`,
      signal,
    )) as { items?: unknown; metadata?: { continue?: unknown } };
    if (!Array.isArray(page.items)) throw new InventoryError(`${path} answered without items`);
    items.push(...(page.items as T[]));
    token = typeof page.metadata?.continue === 'string' && page.metadata.continue !== '' ? page.metadata.continue : undefined;
  } while (token !== undefined);
  return items;
}

export interface InventoryRead {
  /** What could be read; parts that failed are absent (the last known values stay in the status). */
  readonly inventory: ProbeInventory;
  /** True when every part was read. */
  readonly complete: boolean;
  /** Set when a part was refused with 401/403: the credentials do not allow what the hub needs. */
  readonly unauthorized?: string;
  /** What failed, for the log. */
  readonly problems: readonly string[];
}

/**
 * Reads what the hub needs besides readiness, in parallel, each part bounded by `signal`:
 * `/version`, the API groups (`/apis`), nodes and pods (for capacity). Never throws.
 */
export async function readInventory(client: MemberClient, signal: AbortSignal, now: () => Date): Promise<InventoryRead> {
  const [version, groups, nodes, pods] = await Promise.allSettled([
    getJson(client, '/version', signal),
    getJson(client, '/apis', signal),
    listAll<NodeObject>(client, '/api/v1/nodes', '', signal),
    listAll<PodObject>(client, '/api/v1/pods', `&fieldSelector=${ACTIVE_BOUND_PODS}`, signal),
  ]);
  const observedAt = now().toISOString();
  const problems: string[] = [];
  let unauthorized: string | undefined;
  const failed = (part: string, reason: unknown): void => {
    const status = reason instanceof InventoryError ? reason.status : undefined;
    const text = reason instanceof InventoryError ? reason.message : describeTransportError(reason);
    if (status === 401 || status === 403) unauthorized ??= `${text}: the credentials do not allow reading ${part}`;
    problems.push(`${part}: ${text}`);
  };

  let inventory: ProbeInventory = {};
  if (version.status === 'fulfilled') {
    const gitVersion = (version.value as { gitVersion?: unknown }).gitVersion;
    if (typeof gitVersion === 'string') inventory = { ...inventory, kubernetesVersion: { gitVersion, observedAt } };
    else problems.push('version: no gitVersion in /version');
  } else {
    failed('the version', version.reason);
  }
  if (groups.status === 'fulfilled') {
    const list = (groups.value as { groups?: { name?: unknown }[] }).groups;
    if (Array.isArray(list)) {
      const names = [...new Set(list.map((group) => group.name).filter((name): name is string => typeof name === 'string'))].sort();
      inventory = { ...inventory, apiGroups: { groups: names, observedAt } };
    } else {
      problems.push('API groups: no groups in /apis');
    }
  } else {
    failed('API groups', groups.reason);
  }
  if (nodes.status === 'fulfilled' && pods.status === 'fulfilled') {
    try {
      inventory = { ...inventory, capacity: computeCapacity(nodes.value, pods.value, observedAt) };
    } catch (error) {
      problems.push(`capacity: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (nodes.status === 'rejected') failed('nodes', nodes.reason);
  if (pods.status === 'rejected') failed('pods', pods.reason);

  const complete = problems.length === 0;
  return unauthorized === undefined ? { inventory, complete, problems } : { inventory, complete, unauthorized, problems };
}
