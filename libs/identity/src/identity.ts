/** What a role may do: viewer reads; operator also changes workloads and acts on clusters; admin also registers clusters and sees every tenant. */
export type Role = 'viewer' | 'operator' | 'admin';

const RANK: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 };

/** How roles and tenants are read from a token's claims. */
export interface ClaimMapping {
  /** The claim holding group names (a string array, or one string). @defaultValue 'groups' */
  readonly claim: string;
  /** Groups `<prefix>admin`, `<prefix>operator`, `<prefix>viewer` give roles; `<prefix>tenant-<name>` a tenant. @defaultValue 'flotilla-' */
  readonly prefix: string;
}

export const DEFAULT_CLAIM_MAPPING: ClaimMapping = { claim: 'groups', prefix: 'flotilla-' };

/** Who is calling, as the hub decides on it. */
export interface Identity {
  readonly subject: string;
  readonly email?: string;
  /** Every group of the claim, as given. */
  readonly groups: readonly string[];
  /** The highest role the groups give; absent: none (every request is then denied). */
  readonly role?: Role;
  /** Tenants the caller belongs to, sorted; an admin sees every tenant whatever this says. */
  readonly tenants: readonly string[];
}

const TENANT = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Maps verified token claims to an identity: `sub`, `email`, the groups of the configured
 * claim, the highest role they give and the tenants. Unknown groups are kept but give nothing;
 * a malformed claim gives nothing (deny by default), never an error.
 */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping = DEFAULT_CLAIM_MAPPING): Identity {
  const raw = claims[mapping.claim];
  const groups = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).filter((g): g is string => typeof g === 'string');
  let role: Role | undefined;
  const tenants = new Set<string>();
  for (const group of groups) {
    if (!group.startsWith(mapping.prefix)) continue;
    const rest = group.slice(mapping.prefix.length);
    if (rest === 'admin' || rest === 'operator' || rest === 'viewer') {
      if (role === undefined || RANK[rest] > RANK[role]) role = rest;
    } else if (rest.startsWith('tenant-') && TENANT.test(rest.slice('tenant-'.length))) {
      tenants.add(rest.slice('tenant-'.length));
    }
  }
  const named = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : typeof claims.client_id === 'string' ? `client:${claims.client_id}` : '';
  // `system:<controller>` names the hub's own automation in events and the audit trail: a
  // token may not pass itself off as one.
  const subject = named.startsWith('system:') ? '' : named;
  return {
    subject,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    groups,
    ...(role !== undefined && subject !== '' ? { role } : {}),
    tenants: [...tenants].sort(),
  };
}

/** True when `identity` holds at least `needed`. */
export function hasRole(identity: Identity, needed: Role): boolean {
  return identity.role !== undefined && RANK[identity.role] >= RANK[needed];
}

/** True when `identity` may see and change what belongs to `tenant`. */
export function inTenant(identity: Identity, tenant: string): boolean {
  return identity.role === 'admin' || identity.tenants.includes(tenant);
}
