import type { Config } from './config.ts';
import type { ConfigIssue } from './config-issue.ts';
import { configVariables, type ConfigVariable } from './config-variables.ts';

/** Either the whole configuration or every problem found, never a partial config. */
export type ParseConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

const MAX_SHOWN_LENGTH = 80;

function quote(raw: string): string {
  const shown = raw.length > MAX_SHOWN_LENGTH ? `${raw.slice(0, MAX_SHOWN_LENGTH)}…` : raw;
  return JSON.stringify(shown);
}

/**
 * Reads the hub's configuration from an environment map. Pure: the caller passes
 * `process.env` (or a test table) and decides what to do with the issues.
 *
 * An empty value counts as unset, because `PORT=` in a compose file or an empty ConfigMap key
 * means "not configured" far more often than "configured as nothing".
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): ParseConfigResult {
  const values: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [key, variable] of Object.entries(configVariables) as [string, ConfigVariable<unknown>][]) {
    const given = env[variable.env];
    const raw = given === undefined || given === '' ? variable.default : given;
    if (raw === undefined) {
      issues.push({ variable: variable.env, message: `is required: it must be ${variable.expected}` });
      continue;
    }
    const parsed = variable.schema.safeParse(raw);
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      const shown = variable.display ? variable.display(raw) : quote(raw);
      issues.push({ variable: variable.env, message: `must be ${variable.expected} (got ${shown})` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: Object.freeze(values) as Config };
}
