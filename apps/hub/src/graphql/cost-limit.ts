import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLField,
  GraphQLList,
  type GraphQLOutputType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';

/** How list fields are counted when the operation does not say how many items it wants. */
export interface CostLimits {
  /** The highest estimated cost an operation may have. */
  readonly maxCost: number;
  /** Items assumed of a root list field without `first` (what the resolver returns by default). @defaultValue 100 */
  readonly defaultRootListSize?: number;
  /** Items assumed of a nested list field without `first`. @defaultValue 10 */
  readonly defaultNestedListSize?: number;
}

/** The `extensions.code` of an operation refused by {@link costLimitRule}. */
export const QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY';

/**
 * A validation rule that estimates what an operation costs before it runs and refuses it above
 * `maxCost`. Every field costs 1; a list field's selection counts once per item it may return:
 * its `first` argument (a literal or a variable), else a default. Introspection (`__schema`,
 * `__type`) costs 1: it reads the schema in memory, never the store.
 */
export function costLimitRule(limits: CostLimits, variables: Readonly<Record<string, unknown>> = {}): ValidationRule {
  const rootSize = limits.defaultRootListSize ?? 100;
  const nestedSize = limits.defaultNestedListSize ?? 10;
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }

    const sizeOf = (node: FieldNode, nested: boolean): number => {
      const first = node.arguments?.find((argument) => argument.name.value === 'first');
      const value = first === undefined ? undefined : numberOf(first.value, variables);
      return value ?? (nested ? nestedSize : rootSize);
    };

    // `visiting` guards against fragment cycles, which another rule reports.
    const costOf = (set: SelectionSetNode, type: GraphQLOutputType, nested: boolean, visiting: ReadonlySet<string>): number => {
      let cost = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (fragment === undefined || visiting.has(fragment.name.value)) continue;
          const on = context.getSchema().getType(fragment.typeCondition.name.value);
          if (on !== undefined && isCompositeType(on)) cost += costOf(fragment.selectionSet, on, nested, new Set([...visiting, fragment.name.value]));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const on = selection.typeCondition === undefined ? type : context.getSchema().getType(selection.typeCondition.name.value);
          if (on !== undefined && on !== null && isCompositeType(on)) cost += costOf(selection.selectionSet, on, nested, visiting);
        } else {
          const name = selection.name.value;
          if (name.startsWith('__')) {
            cost += name === '__typename' ? 0 : 1;
            continue;
          }
          const field = fieldOf(getNamedType(type), name);
          if (field === undefined) continue;
          const isList = getNullableType(field.type) instanceof GraphQLList;
          const below = selection.selectionSet === undefined ? 0 : costOf(selection.selectionSet, field.type, true, visiting);
          cost += 1 + (isList ? sizeOf(selection, nested) * below : below);
        }
      }
      return cost;
    };

    return {
      OperationDefinition(node) {
        const root = context.getSchema().getRootType(node.operation);
        if (!root) return;
        const cost = costOf(node.selectionSet, root, false, new Set());
        if (cost > limits.maxCost) {
          context.reportError(
            new GraphQLError(`operation ${node.name?.value ?? '(anonymous)'} is estimated to cost ${cost}, above the limit of ${limits.maxCost} (FLOTILLA_GRAPHQL_MAX_COST): ask for fewer items with first, or fewer nested lists`, {
              nodes: [node],
              extensions: { code: QUERY_TOO_COSTLY, cost, maxCost: limits.maxCost },
            }),
          );
        }
      },
    };
  };
}

function fieldOf(type: ReturnType<typeof getNamedType>, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields()[name];
  return undefined;
}

/** A non-negative integer from a literal or a variable; undefined when it is neither (validation or the resolver says why). */
function numberOf(value: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (value.kind === Kind.INT) return Math.max(0, Number(value.value));
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return typeof bound === 'number' && Number.isFinite(bound) ? Math.max(0, bound) : undefined;
  }
  return undefined;
}
