/** A string that is not a Kubernetes resource quantity, or one too large to count in a number. */
export class InvalidQuantityError extends Error {
  override name = 'InvalidQuantityError';

  constructor(
    readonly quantity: string,
    reason: string,
  ) {
    super(`invalid quantity ${JSON.stringify(quantity)}: ${reason}`);
  }
}

// <sign><digits>[.<digits>] then one suffix: binary SI (Ki..Ei), a decimal exponent (e3, E-2),
// or decimal SI (n, u, m, "", k, M, G, T, P, E). "1E" is exa, "1E3" is an exponent: the
// exponent alternative needs digits, so it only wins when they are there.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/;

const BINARY_POWER: Readonly<Record<string, bigint>> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// Far beyond any real amount; keeps 10n ** exponent cheap for hostile input such as "1e999999".
const MAX_EXPONENT = 40;

/**
 * The quantity in units of 10^`unitExponent` (0: whole units, -3: thousandths), rounded up to
 * an integer as Kubernetes does (`Value()`, `MilliValue()`): "100m" CPU is 100 millicores,
 * "0.5" is 500, "1Ki" bytes is 1024, "1e3" is 1000, and "1.5m" cores are 2 millicores.
 * Computed on integers, so "0.1" is exactly 100 milli and never 100.00000000000001.
 */
function scaled(quantity: string, unitExponent: number): number {
  const match = QUANTITY.exec(quantity);
  if (!match) throw new InvalidQuantityError(quantity, 'expected a number with an optional suffix such as m, Mi, G or e3');
  const [, sign, number = '', binary, exponent, decimal] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let power10 = -fraction.length - unitExponent;
  if (binary !== undefined) numerator <<= BINARY_POWER[binary] ?? 0n;
  if (exponent !== undefined) power10 += Number(exponent);
  if (decimal !== undefined) power10 += DECIMAL_EXPONENT[decimal] ?? 0;

  let value: bigint;
  if (numerator === 0n) {
    value = 0n;
  } else if (power10 > MAX_EXPONENT) {
    throw new InvalidQuantityError(quantity, 'too large');
  } else if (power10 >= 0) {
    value = numerator * 10n ** BigInt(power10);
  } else if (-power10 > numerator.toString().length) {
    // Smaller than one unit: rounds up to 1 without computing a huge divisor.
    value = 1n;
  } else {
    const divisor = 10n ** BigInt(-power10);
    value = (numerator + divisor - 1n) / divisor;
  }
  if (sign === '-') value = -value;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidQuantityError(quantity, 'too large');
  }
  return Number(value);
}

/** A quantity in thousandths, rounded up: CPU "100m" → 100, "2" → 2000. */
export function milliValue(quantity: string): number {
  return scaled(quantity, -3);
}

/** A quantity in whole units, rounded up: memory "64Mi" → 67108864, "1G" → 1e9; pods "110" → 110. */
export function value(quantity: string): number {
  return scaled(quantity, 0);
}
