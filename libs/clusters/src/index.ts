export * from './cluster.ts';
export { CLUSTER_PATCH_SCHEMA, CLUSTER_REGISTRATION_SCHEMA, CREDENTIALS_ROTATION_SCHEMA, TAINT_SCHEMA } from './cluster-schemas.ts';
export { applyClusterPatch, parseClusterPatch, parseVersion, type ClusterPatch } from './cluster-patch.ts';
export { CredentialsUnavailableError } from './credentials-unavailable-error.ts';
export {
  LabelSelectorError,
  matchesLabelSelector,
  parseLabelSelector,
  type LabelRequirement,
  type LabelSelector,
} from './label-selector.ts';
export { MANAGED_BY_LABEL, MANAGED_BY_SELECTOR, MANAGED_BY_VALUE } from './managed-by.ts';
export { MemberUnreachableError, type MemberFailure } from './member-unreachable-error.ts';
export { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from './names.ts';
export { PurgeIncompleteError, type ManagedObjectRef } from './purge-incomplete-error.ts';
export {
  parseCredentialsRotation,
  parseRegistration,
  type ClusterConnection,
  type ClusterRegistration,
  type CredentialsRotation,
} from './registration.ts';
export { PLACEMENT_LABELS, type PlacementField } from './read-spec-fields.ts';
export type { ConnectionPolicy } from './server-url.ts';
