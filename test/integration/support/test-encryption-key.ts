import { randomBytes } from 'node:crypto';

/** A key ring for hubs started by tests: a fresh random key per test process. */
export const TEST_ENCRYPTION_KEYS = `test:${randomBytes(32).toString('base64')}`;
