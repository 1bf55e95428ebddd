export { type ClaimMapping, DEFAULT_CLAIM_MAPPING, hasRole, type Identity, identityFromClaims, inTenant, type Role } from './identity.ts';
