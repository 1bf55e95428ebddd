import { useSyncExternalStore } from 'react';

/**
 * The console's pages, addressed by the URL's fragment (`/#/workloads/shop/web`), so that every
 * page has a link of its own while the hub serves one file at `/` (no fallback route there).
 */
export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'cluster'; readonly name: string }
  | { readonly page: 'workloads' }
  | { readonly page: 'workload'; readonly namespace: string; readonly name: string }
  | { readonly page: 'new-workload' }
  | { readonly page: 'edit-workload'; readonly namespace: string; readonly name: string }
  | { readonly page: 'events' }
  | { readonly page: 'audit' }
  | { readonly page: 'queues' }
  | { readonly page: 'not-found'; readonly path: string };

/** The route of a fragment such as `#/clusters/wl-a`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (first === 'clusters' && parts.length === 2 && second) return { page: 'cluster', name: second };
  if (first === 'workloads' && parts.length === 1) return { page: 'workloads' };
  if (first === 'workloads' && parts.length === 2 && second === 'new') return { page: 'new-workload' };
  if (first === 'workloads' && parts.length === 3 && second && third) return { page: 'workload', namespace: second, name: third };
  if (first === 'workloads' && parts.length === 4 && second && third && fourth === 'edit') return { page: 'edit-workload', namespace: second, name: third };
  if (first === 'events' && parts.length === 1) return { page: 'events' };
  if (first === 'audit' && parts.length === 1) return { page: 'audit' };
  if (first === 'queues' && parts.length === 1) return { page: 'queues' };
  return { page: 'not-found', path };
}

/** The link of a route: `href(route)` for an anchor. */
export function href(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'cluster':
      return `#/clusters/${e(route.name)}`;
    case 'workloads':
      return '#/workloads';
    case 'workload':
      return `#/workloads/${e(route.namespace)}/${e(route.name)}`;
    case 'new-workload':
      return '#/workloads/new';
    case 'edit-workload':
      return `#/workloads/${e(route.namespace)}/${e(route.name)}/edit`;
    case 'events':
    case 'audit':
    case 'queues':
      return `#/${route.page}`;
    case 'not-found':
      return `#${route.path}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current route; re-renders when the fragment changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
