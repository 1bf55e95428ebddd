import { type LabelSelector, LabelSelectorError, parseLabelSelector } from '../../clusters/src/index.ts';
import type { InvalidParam } from '../../errors/src/index.ts';

import { API_VERSION, KIND, type KindRef, kindId, REFUSED_KINDS } from './kinds.ts';

/** What a cross-cluster read asks for: one kind, optionally narrowed by namespace, name, labels and clusters. */
export interface FleetQuery extends KindRef {
  readonly namespace?: string;
  readonly name?: string;
  readonly labelSelector: LabelSelector;
  /** The selector as given (for the member, for a live read). */
  readonly labelSelectorText: string;
  /** Only these clusters; every registered one when absent. */
  readonly clusters?: ReadonlySet<string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

type Raw = (name: string) => string | undefined;

/**
 * Reads a cross-cluster list request's query (`apiVersion`, `kind`, `namespace`, `name`,
 * `labelSelector`, `cluster`), adding every problem to `invalid` with the parameter's name.
 * Returns undefined when something was invalid.
 */
export function collectFleetQuery(invalid: InvalidParam[], raw: Raw): FleetQuery | undefined {
  const before = invalid.length;
  const apiVersion = raw('apiVersion');
  const kind = raw('kind');
  if (apiVersion === undefined || apiVersion === '') invalid.push({ name: 'query.apiVersion', reason: 'is required, e.g. apps/v1' });
  else if (!API_VERSION.test(apiVersion)) invalid.push({ name: 'query.apiVersion', reason: 'must be an API version such as v1 or apps/v1' });
  if (kind === undefined || kind === '') invalid.push({ name: 'query.kind', reason: 'is required, e.g. Deployment' });
  else if (!KIND.test(kind)) invalid.push({ name: 'query.kind', reason: 'must be a Kubernetes kind such as Deployment (letters and digits, starting with a capital)' });
  else if (apiVersion !== undefined && REFUSED_KINDS.has(kindId({ apiVersion, kind })))
    invalid.push({ name: 'query.kind', reason: `${kind} is not served across the fleet (its values are secret): read it through /api/v1/clusters/{name}/proxy, where the member's RBAC applies to you` });
  const namespace = raw('namespace') || undefined;
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) invalid.push({ name: 'query.namespace', reason: 'must be a namespace name (a DNS label)' });
  const name = raw('name') || undefined;
  if (name !== undefined && !OBJECT_NAME.test(name)) invalid.push({ name: 'query.name', reason: 'must be an object name (a DNS subdomain)' });
  const labelSelectorText = raw('labelSelector') ?? '';
  let labelSelector: LabelSelector | undefined;
  try {
    labelSelector = parseLabelSelector(labelSelectorText);
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    invalid.push({ name: 'query.labelSelector', reason: error.message });
  }
  const clusterText = raw('cluster');
  let clusters: Set<string> | undefined;
  if (clusterText !== undefined && clusterText !== '') {
    clusters = new Set(clusterText.split(',').map((c) => c.trim()));
    if ([...clusters].some((c) => !DNS_LABEL.test(c))) invalid.push({ name: 'query.cluster', reason: 'must be a comma-separated list of cluster names' });
  }
  if (invalid.length > before || apiVersion === undefined || kind === undefined || labelSelector === undefined) return undefined;
  return {
    apiVersion,
    kind,
    labelSelector,
    labelSelectorText,
    ...(namespace === undefined ? {} : { namespace }),
    ...(name === undefined ? {} : { name }),
    ...(clusters === undefined ? {} : { clusters }),
  };
}
