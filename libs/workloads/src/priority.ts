import type { InvalidParams } from '../../validation/src/index.ts';

/** Named priorities a workload may give instead of a number. */
export const PRIORITY_CLASSES = {
  'system-critical': 2000,
  critical: 1000,
  high: 500,
  normal: 0,
  low: -500,
  'best-effort': -1000,
} as const satisfies Readonly<Record<string, number>>;

export type PriorityClassName = keyof typeof PRIORITY_CLASSES;

export const DEFAULT_PRIORITY = 0;
export const MIN_PRIORITY = -1_000_000;
export const MAX_PRIORITY = 1_000_000;

/** BullMQ's largest job priority (2^21); 1 is served first. */
const MAX_QUEUE_PRIORITY = 2_097_152;

const CLASS_NAMES = Object.keys(PRIORITY_CLASSES) as PriorityClassName[];

/** The class whose number is exactly `priority`, if any. */
export function priorityName(priority: number): PriorityClassName | undefined {
  return CLASS_NAMES.find((name) => PRIORITY_CLASSES[name] === priority);
}

/**
 * The BullMQ job priority for a workload priority: the highest workload priority gets 1 (served
 * first), the lowest 2_000_001. Out-of-range priorities are clamped; non-finite ones count as the default.
 */
export function queuePriority(priority: number): number {
  const finite = Number.isFinite(priority) ? Math.round(priority) : DEFAULT_PRIORITY;
  const clamped = Math.min(MAX_PRIORITY, Math.max(MIN_PRIORITY, finite));
  return Math.min(MAX_QUEUE_PRIORITY, MAX_PRIORITY - clamped + 1);
}

/**
 * A priority as given in a request: an integer in range or a class name. Absent: the default.
 * Records why it is refused under `path` and returns undefined.
 */
export function readPriority(value: unknown, path: string, issues: InvalidParams): number | undefined {
  if (value === undefined || value === null) return DEFAULT_PRIORITY;
  if (typeof value === 'string' && Object.hasOwn(PRIORITY_CLASSES, value)) return PRIORITY_CLASSES[value as PriorityClassName];
  if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_PRIORITY && value <= MAX_PRIORITY) return value;
  issues.add(path, `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY} or one of ${CLASS_NAMES.join(', ')}`);
  return undefined;
}

