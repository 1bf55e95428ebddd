import { ValidationError } from '../../../../libs/errors/src/index.ts';

/** A query parameter given at most once: its value, or undefined when absent; repeated is refused with its name. */
export function singleQuery(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new ValidationError([{ name, reason: 'must be given once' }]);
}
