/** Who did it: a person (OIDC subject, email, groups) or automation (`system:<controller>`). */
export interface AuditActor {
  readonly subject: string;
  readonly email?: string;
  readonly groups?: readonly string[];
}

/** Allowed and done; Denied (401/403, refused before anything changed); Failed (allowed, then refused or broken). */
export type AuditOutcome = 'Succeeded' | 'Denied' | 'Failed';

/** What the hub records of one change or denied attempt. */
export interface AuditEntry {
  readonly actor: AuditActor;
  /** For example `POST /api/v1/workloads` or `system:failover FailedOver`. */
  readonly action: string;
  readonly target: { readonly kind: string; readonly name: string };
  readonly outcome: AuditOutcome;
  /** HTTP status, when the change came through the API. */
  readonly status?: number;
  readonly requestId?: string;
  readonly source?: string;
  /** sha256 of the canonical JSON of the change (the request body), never the body: it may hold secrets. */
  readonly digest?: string;
  /** One line for people. */
  readonly message?: string;
}

/**
 * A stored record: the entry plus its place in the chain. `hash` is sha256 over `prev` and the
 * canonical JSON of every other field, so changing, removing or reordering any record breaks
 * the chain at that record or the next.
 */
export interface AuditRecord extends AuditEntry {
  /** 1, 2, 3, ... without gaps. */
  readonly seq: number;
  /** ISO 8601. */
  readonly time: string;
  /** The previous record's hash; {@link GENESIS} for the first. */
  readonly prev: string;
  readonly hash: string;
}

export const GENESIS = '0'.repeat(64);
