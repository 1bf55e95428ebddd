import { type InvalidParam, ValidationError } from '../../errors/src/index.ts';

/** Collects invalid fields while validating a request, so that one answer names all of them. */
export class InvalidParams {
  private readonly params: InvalidParam[] = [];

  /** Records a refused field. `reason` describes; it never quotes the value, which may be a secret. */
  add(name: string, reason: string): void {
    this.params.push({ name, reason });
  }

  get count(): number {
    return this.params.length;
  }

  /** Throws a {@link ValidationError} ("invalid <subject>: ...") when any field was refused. */
  throwIfAny(subject: string): void {
    if (this.params.length === 0) return;
    const list = this.params.map((param) => `${param.name}: ${param.reason}`).join('; ');
    throw new ValidationError([...this.params], `invalid ${subject}: ${list}`);
  }
}

/** Joins a field path: `field('a', 'b')` is `a.b`, `field('a', 0)` is `a[0]`, `field('', 'b')` is `b`. */
export function field(parent: string, child: string | number): string {
  if (typeof child === 'number') return `${parent}[${child}]`;
  return parent === '' ? child : `${parent}.${child}`;
}
