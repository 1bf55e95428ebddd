import type { Manifest, WorkloadSpec } from './workload.ts';

/** What the API shows instead of a Secret value, and what a client may send back to keep one unchanged. */
export const SEALED_VALUE = '(sealed)';

/** The values of a workload's Secret manifests, by Secret name: what is sealed at rest. */
export type SecretValues = Readonly<Record<string, { readonly data?: Readonly<Record<string, string>>; readonly stringData?: Readonly<Record<string, string>> }>>;

const FIELDS = ['data', 'stringData'] as const;

const isSecret = (manifest: Manifest): boolean => manifest.apiVersion === 'v1' && manifest.kind === 'Secret';

function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}

export interface SeparatedSecrets {
  /** The spec with every Secret value replaced by {@link SEALED_VALUE}: safe to store in clear and to show. */
  readonly spec: WorkloadSpec;
  /** The values taken out (with values sent as SEALED_VALUE taken from `previous`). */
  readonly values: SecretValues;
  /** Field paths sent as SEALED_VALUE for which no value is stored: the client must send the value. */
  readonly missing: readonly string[];
}

/**
 * Takes the values of the Secret manifests (`data`, `stringData`) out of a spec, so that they
 * can be sealed at rest and never shown. A value sent as `(sealed)`, as a client that read the
 * workload back would send it, keeps the value stored in `previous`.
 */
export function separateSecretValues(spec: WorkloadSpec, previous: SecretValues = {}): SeparatedSecrets {
  const values: Record<string, { data?: Record<string, string>; stringData?: Record<string, string> }> = {};
  const missing: string[] = [];
  const manifests = spec.manifests.map((manifest, i) => {
    if (!isSecret(manifest)) return manifest;
    const name = manifest.metadata.name;
    const kept: { data?: Record<string, string>; stringData?: Record<string, string> } = {};
    const redacted: Record<string, unknown> = { ...manifest };
    for (const field of FIELDS) {
      const given = stringMap(manifest[field]);
      if (given === undefined) continue;
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(given)) {
        if (value !== SEALED_VALUE) out[key] = value;
        else {
          const stored = previous[name]?.[field]?.[key];
          if (stored === undefined) missing.push(`manifests[${i}].${field}.${key}`);
          else out[key] = stored;
        }
      }
      kept[field] = out;
      redacted[field] = Object.fromEntries(Object.keys(out).map((key) => [key, SEALED_VALUE]));
    }
    if (kept.data !== undefined || kept.stringData !== undefined) values[name] = kept;
    return redacted as Manifest;
  });
  return { spec: { ...spec, manifests }, values, missing };
}

/** The spec as the members get it: the sealed Secret values put back. */
export function restoreSecretValues(spec: WorkloadSpec, values: SecretValues): WorkloadSpec {
  if (Object.keys(values).length === 0) return spec;
  const manifests = spec.manifests.map((manifest) => {
    const stored = isSecret(manifest) ? values[manifest.metadata.name] : undefined;
    if (!stored) return manifest;
    const restored: Record<string, unknown> = { ...manifest };
    for (const field of FIELDS) if (stored[field] !== undefined) restored[field] = { ...stored[field] };
    return restored as Manifest;
  });
  return { ...spec, manifests };
}
