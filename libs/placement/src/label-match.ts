import type { LabelSelectorTerm } from './placement-policy.ts';

/** Whether labels satisfy a selector term, with Kubernetes' semantics (`NotIn` matches a missing key). */
export function matchesTerm(term: LabelSelectorTerm, labels: Readonly<Record<string, string>>): boolean {
  for (const key of Object.keys(term.matchLabels ?? {}).sort()) {
    if (!Object.hasOwn(labels, key) || labels[key] !== term.matchLabels?.[key]) return false;
  }
  for (const expression of term.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const value = labels[expression.key] ?? '';
    switch (expression.operator) {
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'In':
        if (!has || !expression.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && expression.values.includes(value)) return false;
        break;
    }
  }
  return true;
}
