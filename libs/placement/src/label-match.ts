import type { LabelSelectorTerm } from './placement-policy.ts';

/**
 * Whether labels satisfy a selector term, with Kubernetes' semantics (`NotIn` matches a missing key).
 * Runs once per cluster and term on every decision, so it allocates nothing.
 */
export function matchesTerm(term: LabelSelectorTerm, labels: Readonly<Record<string, string>>): boolean {
  const matchLabels = term.matchLabels;
  if (matchLabels !== undefined) {
    for (const key in matchLabels) {
      if (!Object.hasOwn(matchLabels, key)) continue;
      if (!Object.hasOwn(labels, key) || labels[key] !== matchLabels[key]) return false;
    }
  }
  const expressions = term.matchExpressions;
  if (expressions === undefined) return true;
  for (let i = 0; i < expressions.length; i += 1) {
    const expression = expressions[i] as (typeof expressions)[number];
    const has = Object.hasOwn(labels, expression.key);
    switch (expression.operator) {
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'In':
        if (!has || !expression.values.includes(labels[expression.key] ?? '')) return false;
        break;
      case 'NotIn':
        if (has && expression.values.includes(labels[expression.key] ?? '')) return false;
        break;
    }
  }
  return true;
}
