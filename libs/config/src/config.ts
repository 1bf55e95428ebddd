import type { z } from 'zod';
import type { configVariables } from './config-variables.ts';

/**
 * The hub's configuration: parsed and validated once at boot, then frozen and passed around
 * typed. Nothing else reads process.env.
 */
export type Config = {
  readonly [K in keyof typeof configVariables]: z.output<(typeof configVariables)[K]['schema']>;
};
