/**
 * The label every object the hub applies to a member carries. Only objects with exactly this
 * label and value are ever deleted by the hub (prune, purge).
 */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'flotilla';

/** The label selector for objects the hub applied. */
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
