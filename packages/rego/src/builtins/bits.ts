/** Bitwise builtins (OPA v1/topdown/bits.go) on exact integers (bigint; two's complement like big.Int). */
import { BuiltinError } from "../errors.ts";
import { normalize, toBigInt } from "../value/number.ts";
import type { Value } from "../value/value.ts";
import { operandError, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/**
 * Largest shift accepted. OPA shifts big.Ints without bound; a shift of 2^40 bits would exhaust memory,
 * so larger shifts end in a typed error instead.
 */
export const MAX_SHIFT_BITS = 1 << 16;

function bigIntOperand(name: string, v: Value, pos: number): bigint {
  if (typeof v !== "number" && typeof v !== "bigint") throw typeError(name, pos, v, "integer");
  const i = toBigInt(v);
  if (i === undefined) throw operandError(name, pos, "must be integer number but got floating-point number");
  return i;
}

function shiftOperand(name: string, v: Value): bigint {
  const n = bigIntOperand(name, v, 2);
  if (n < 0n) throw operandError(name, 2, "must be an unsigned integer number but got a negative integer");
  if (n > BigInt(MAX_SHIFT_BITS)) {
    throw new BuiltinError(
      "eval_limit_error",
      `${name}: shift of ${n} bits exceeds the limit of ${MAX_SHIFT_BITS}`,
    );
  }
  return n;
}

function binary(name: string, op: (a: bigint, b: bigint) => bigint): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: ([a, b]) => normalize(op(bigIntOperand(name, a!, 1), bigIntOperand(name, b!, 2))),
  };
}

export const bitsBuiltins: BuiltinDef[] = [
  binary("bits.and", (a, b) => a & b),
  binary("bits.or", (a, b) => a | b),
  binary("bits.xor", (a, b) => a ^ b),
  { name: "bits.negate", arity: 1, fn: ([a]) => normalize(~bigIntOperand("bits.negate", a!, 1)) },
  {
    name: "bits.lsh",
    arity: 2,
    fn: ([a, b]) => normalize(bigIntOperand("bits.lsh", a!, 1) << shiftOperand("bits.lsh", b!)),
  },
  {
    name: "bits.rsh",
    arity: 2,
    fn: ([a, b]) => normalize(bigIntOperand("bits.rsh", a!, 1) >> shiftOperand("bits.rsh", b!)),
  },
];
