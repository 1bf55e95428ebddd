import { labelKeyProblem, labelValueProblem } from './names.ts';

/** One condition of a label selector, as in Kubernetes' `labels.Requirement`. */
export type LabelRequirement =
  | { readonly key: string; readonly operator: 'Equals' | 'NotEquals'; readonly value: string }
  | { readonly key: string; readonly operator: 'In' | 'NotIn'; readonly values: readonly string[] }
  | { readonly key: string; readonly operator: 'Exists' | 'DoesNotExist' };

/** A parsed selector: every requirement must hold. No requirement selects everything. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
}

/** The selector text does not parse; `message` says where and what was expected. */
export class LabelSelectorError extends Error {
  override name = 'LabelSelectorError';
}

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: '=' | '==' | '!=' | '!' | '(' | ')' | ','; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const WORD = /[A-Za-z0-9._/-]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '=' || c === '!') {
      const two = text[i + 1] === '=';
      tokens.push({ kind: c === '=' ? (two ? '==' : '=') : two ? '!=' : '!', at: i });
      i += two ? 2 : 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, at: i });
      i += 1;
    } else if (WORD.test(c)) {
      const start = i;
      while (i < text.length && WORD.test(text[i] as string)) i += 1;
      tokens.push({ kind: 'word', text: text.slice(start, i), at: start });
    } else {
      throw new LabelSelectorError(`unexpected character ${JSON.stringify(c)} at position ${i}`);
    }
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

class Parser {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): LabelSelector {
    const requirements: LabelRequirement[] = [];
    if (this.peek().kind === 'end') return { requirements };
    for (;;) {
      requirements.push(this.requirement());
      const next = this.take();
      if (next.kind === 'end') return { requirements };
      if (next.kind !== ',') throw this.expected('"," or the end', next);
    }
  }

  private requirement(): LabelRequirement {
    if (this.peek().kind === '!') {
      this.take();
      return { key: this.key(), operator: 'DoesNotExist' };
    }
    const key = this.key();
    const op = this.peek();
    switch (op.kind) {
      case ',':
      case 'end':
        return { key, operator: 'Exists' };
      case '=':
      case '==':
      case '!=':
        this.take();
        return { key, operator: op.kind === '!=' ? 'NotEquals' : 'Equals', value: this.value() };
      case 'word':
        if (op.text === 'in' || op.text === 'notin') {
          this.take();
          return { key, operator: op.text === 'in' ? 'In' : 'NotIn', values: this.set() };
        }
        throw this.expected('an operator (=, ==, !=, in, notin)', op);
      default:
        throw this.expected('an operator (=, ==, !=, in, notin)', op);
    }
  }

  private set(): string[] {
    const open = this.take();
    if (open.kind !== '(') throw this.expected('"("', open);
    if (this.peek().kind === ')') throw new LabelSelectorError(`the value set at position ${open.at} is empty`);
    const values: string[] = [];
    for (;;) {
      values.push(this.value());
      const next = this.take();
      if (next.kind === ')') break;
      if (next.kind !== ',') throw this.expected('"," or ")"', next);
    }
    return values;
  }

  private key(): string {
    const token = this.take();
    if (token.kind !== 'word') throw this.expected('a label key', token);
    const problem = labelKeyProblem(token.text);
    if (problem) throw new LabelSelectorError(`invalid label key at position ${token.at}: ${problem}`);
    return token.text;
  }

  /** A value; empty when the next token ends it (`zone=` selects an empty zone label, as in Kubernetes). */
  private value(): string {
    const token = this.peek();
    if (token.kind !== 'word') {
      if (token.kind === ',' || token.kind === ')' || token.kind === 'end') return '';
      throw this.expected('a label value', token);
    }
    this.take();
    const problem = labelValueProblem(token.text);
    if (problem) throw new LabelSelectorError(`invalid label value at position ${token.at}: ${problem}`);
    return token.text;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.i += 1;
    return token;
  }

  private expected(what: string, got: Token): LabelSelectorError {
    const found = got.kind === 'end' ? 'the end' : got.kind === 'word' ? JSON.stringify(got.text) : `"${got.kind}"`;
    return new LabelSelectorError(`expected ${what} at position ${got.at}, found ${found}`);
  }
}

/**
 * Parses a Kubernetes label selector (`zone=a,tier!=db`, `zone in (a,b)`, `zone notin (c)`,
 * `gpu`, `!legacy`). Throws {@link LabelSelectorError}. The set-based `>`/`<` operators that
 * Kubernetes accepts for node selectors are not supported.
 */
export function parseLabelSelector(text: string): LabelSelector {
  return new Parser(tokenize(text)).parse();
}

/**
 * Whether labels satisfy the selector, with Kubernetes' semantics: `!=` and `notin` also match
 * objects that lack the key.
 */
export function matchesLabelSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((requirement) => {
    const has = Object.hasOwn(labels, requirement.key);
    const value = has ? labels[requirement.key] : undefined;
    switch (requirement.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'Equals':
        return has && value === requirement.value;
      case 'NotEquals':
        return !has || value !== requirement.value;
      case 'In':
        return has && requirement.values.includes(value as string);
      case 'NotIn':
        return !has || !requirement.values.includes(value as string);
    }
  });
}
