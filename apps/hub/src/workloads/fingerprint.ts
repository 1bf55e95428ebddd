import { createHash } from 'node:crypto';

/**
 * The part of `live` that `desired` sets: for objects the keys desired has, for arrays the
 * elements desired has (by index), values as they are in live. Fields other managers or the API
 * server add are left out, so they never read as drift.
 */
export function project(desired: unknown, live: unknown): unknown {
  if (Array.isArray(desired)) {
    const items = Array.isArray(live) ? live : [];
    return desired.map((element, i) => project(element, items[i]));
  }
  if (typeof desired === 'object' && desired !== null) {
    const source = typeof live === 'object' && live !== null && !Array.isArray(live) ? (live as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(desired).sort()) out[key] = project((desired as Record<string, unknown>)[key], source[key]);
    return out;
  }
  return live === undefined ? null : live;
}

/**
 * A digest of what `desired` sets as `live` holds it. Taken right after an apply (from the
 * member's answer, so its own normalisation of values is included) and again at each resync:
 * a different digest means someone changed a hub-owned field.
 */
export function fingerprint(desired: unknown, live: unknown): string {
  const { status: _status, ...rest } = (desired ?? {}) as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(project(rest, live))).digest('base64url').slice(0, 22);
}
