/**
 * Exact arithmetic over Rego numbers (JS number | bigint), following OPA's v1/topdown/arithmetic.go:
 * integer operands are computed exactly (big.Int there, bigint here) and anything else as a float.
 * Integral results are normalised: a JS number when it is a safe integer, else a bigint, so equal
 * numbers always have one representation per magnitude class (see value.ts keyOf).
 *
 * Floats are IEEE-754 doubles here, where OPA uses big.Float with a 64-bit mantissa; the two agree
 * except in the last bits of inexact results.
 */

export type Num = number | bigint;

/** Thrown for arithmetic errors; the builtin layer prefixes the builtin name (OPA: "div: divide by zero"). */
export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArithmeticError";
  }
}

/** A bigint becomes a JS number when that is exact, as json.ts fromJS does. */
export function normalize(n: Num): Num {
  if (typeof n === "bigint") {
    return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
  }
  if (Object.is(n, -0)) return 0;
  return n;
}

export function isInteger(n: Num): boolean {
  return typeof n === "bigint" || Number.isInteger(n);
}

/** The exact integer value, or undefined for a non-integral (or non-finite) number. */
export function toBigInt(n: Num): bigint | undefined {
  if (typeof n === "bigint") return n;
  return Number.isInteger(n) ? BigInt(n) : undefined;
}

export function toFloat(n: Num): number {
  return typeof n === "bigint" ? Number(n) : n;
}

function finite(x: number): number {
  // big.Float never overflows at these magnitudes; a double can. Refuse rather than emit Infinity/NaN,
  // which have no Rego or JSON representation.
  if (!Number.isFinite(x)) throw new ArithmeticError("arithmetic result out of range");
  return Object.is(x, -0) ? 0 : x;
}

function bothSafe(a: Num, b: Num): boolean {
  return typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a) && Number.isSafeInteger(b);
}

export function add(a: Num, b: Num): Num {
  if (bothSafe(a, b)) {
    const r = (a as number) + (b as number);
    if (Number.isSafeInteger(r)) return r;
  }
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x !== undefined && y !== undefined) return normalize(x + y);
  return floatResult(toFloat(a) + toFloat(b));
}

export function sub(a: Num, b: Num): Num {
  if (bothSafe(a, b)) {
    const r = (a as number) - (b as number);
    if (Number.isSafeInteger(r)) return r;
  }
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x !== undefined && y !== undefined) return normalize(x - y);
  return floatResult(toFloat(a) - toFloat(b));
}

export function mul(a: Num, b: Num): Num {
  if (bothSafe(a, b)) {
    const r = (a as number) * (b as number);
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x !== undefined && y !== undefined) return normalize(x * y);
  return floatResult(toFloat(a) * toFloat(b));
}

/** Division: exact when the divisor divides the dividend, else a float quotient (arithmetic.go opDivide). */
export function div(a: Num, b: Num): Num {
  if (b === 0 || b === 0n) throw new ArithmeticError("divide by zero");
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x !== undefined && y !== undefined && x % y === 0n) return normalize(x / y);
  return floatResult(toFloat(a) / toFloat(b));
}

/** Remainder, integers only, sign of the dividend (Go's truncated %, big.Int.Rem). */
export function rem(a: Num, b: Num): Num {
  const x = toBigInt(a);
  const y = toBigInt(b);
  if (x === undefined || y === undefined) throw new ArithmeticError("modulo on floating-point number");
  if (y === 0n) throw new ArithmeticError("modulo by zero");
  return normalize(x % y);
}

export function abs(a: Num): Num {
  if (typeof a === "bigint") return normalize(a < 0n ? -a : a);
  return Math.abs(a);
}

/** Rounds half away from zero (arithmetic.go arithRound). */
export function round(a: Num): Num {
  if (isInteger(a)) return a;
  const x = a as number;
  return floatResult(x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5));
}

export function ceil(a: Num): Num {
  return isInteger(a) ? a : floatResult(Math.ceil(a as number));
}

export function floor(a: Num): Num {
  return isInteger(a) ? a : floatResult(Math.floor(a as number));
}

/** A float result; integral values beyond 2^53 become bigints so they print and compare exactly. */
export function floatResult(x: number): Num {
  const f = finite(x);
  if (Number.isInteger(f) && !Number.isSafeInteger(f)) return BigInt(f);
  return f;
}

/** Number → exact bigint for integers, throwing the OPA wording when not integral. */
export function mustInteger(n: Num): bigint {
  const i = toBigInt(n);
  if (i === undefined) throw new ArithmeticError("must be integer number but got floating-point number");
  return i;
}
