export { type AuditActor, type AuditEntry, type AuditOutcome, type AuditRecord, GENESIS } from './audit-record.ts';
export { canonicalJson, type ChainVerdict, digestOf, hashOf, sealEntry, verifyChain } from './chain.ts';
