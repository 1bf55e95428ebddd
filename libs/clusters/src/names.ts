// Kubernetes' naming rules (k8s.io/apimachinery/pkg/util/validation), as plain checks that return
// why a name is refused, or undefined when it is fine. Reasons never quote the value.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A DNS-1123 label: what a cluster name must be. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > 63) return 'must be at most 63 characters';
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and dashes, starting and ending with a letter or digit';
  }
  return undefined;
}

/** A label (or taint) key: an optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return 'key prefix must be a DNS-1123 subdomain (lower-case, at most 253 characters) followed by "/"';
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'key name must be 1-63 characters: letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** A label (or taint) value: empty, or at most 63 characters of letters, digits, `-`, `_` and `.`. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !QUALIFIED_NAME.test(value)) {
    return 'value must be empty or 1-63 characters: letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}
