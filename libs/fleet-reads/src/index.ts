export { type FleetError, type FleetErrorReason, type FleetItem, fleetItemKey, type MemberObject, mergeFleetItems, type NamespaceScope, selects } from './fleet-list.ts';
export { collectFleetQuery, type FleetQuery } from './fleet-query.ts';
export { type KindRef, kindId, parseKindList, REFUSED_KINDS } from './kinds.ts';
export { MemoryBudget } from './memory-budget.ts';
