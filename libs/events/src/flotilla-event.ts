/** The object an event is about. */
export interface EventObject {
  /** e.g. `Cluster`, later `Workload`. */
  readonly kind: string;
  readonly name: string;
}

/** What happened, as recorded: kept in Redis, listable, shown in the console. */
export interface FlotillaEvent {
  /** Redis stream id: increasing, usable as a cursor. */
  readonly id: string;
  readonly time: string;
  /** `Warning` for what an operator should look at, as in Kubernetes events. */
  readonly type: 'Normal' | 'Warning';
  /** CamelCase and stable, e.g. `Registered`, `ClusterNotReady`. */
  readonly reason: string;
  readonly message: string;
  readonly object: EventObject;
  /** Who caused it: an OIDC subject, or a named controller such as `prober`. */
  readonly actor: string;
}

export type NewEvent = Omit<FlotillaEvent, 'id' | 'time' | 'actor'> & { readonly actor?: string };
