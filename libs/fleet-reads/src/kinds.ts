// No imports: libs/config reads kind lists with this, and must load under Node's type stripping.

/** A kind of member object, as Kubernetes names it: `apps/v1` + `Deployment`, `v1` + `ConfigMap`. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Kinds never served across the fleet: their values are secret, and the hub reads members with its own powerful credential. */
export const REFUSED_KINDS: ReadonlySet<string> = new Set(['v1/Secret']);

export const API_VERSION = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
export const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;

export function kindId(ref: KindRef): string {
  return `${ref.apiVersion}/${ref.kind}`;
}

/**
 * Parses a list of kinds such as `apps/v1/Deployment,v1/Service` (the last segment is the
 * kind, the rest its apiVersion). Throws an Error naming the first bad entry.
 */
export function parseKindList(text: string): KindRef[] {
  const kinds: KindRef[] = [];
  const seen = new Set<string>();
  for (const entry of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const slash = entry.lastIndexOf('/');
    const ref = { apiVersion: entry.slice(0, slash), kind: entry.slice(slash + 1) };
    if (slash <= 0 || !API_VERSION.test(ref.apiVersion) || !KIND.test(ref.kind)) throw new Error(`"${entry}" is not <apiVersion>/<Kind>, e.g. apps/v1/Deployment`);
    if (REFUSED_KINDS.has(kindId(ref))) throw new Error(`"${entry}" is never cached: its values are secret`);
    if (!seen.has(kindId(ref))) kinds.push(ref);
    seen.add(kindId(ref));
  }
  return kinds;
}
