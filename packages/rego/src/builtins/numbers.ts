/**
 * Arithmetic builtins (OPA v1/topdown/arithmetic.go, numbers.go): plus minus mul div rem abs ceil floor
 * round numbers.range numbers.range_step. `minus` is shared with set difference, as in OPA.
 */
import { BuiltinError } from "../errors.ts";
import * as N from "../value/number.ts";
import { RSet, type Value } from "../value/value.ts";
import { builtinError, num, operandError, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/**
 * The most elements numbers.range may build. OPA relies on query cancellation instead; an engine with
 * no deadline needs a hard bound so `numbers.range(0, 1e12)` ends in a typed error, not an OOM.
 */
export const MAX_RANGE_ELEMENTS = 10_000_000;

function arith(name: string, op: (a: N.Num, b: N.Num) => N.Num): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: (args) => {
      const a = num(name, args, 1);
      const b = num(name, args, 2);
      try {
        return op(a, b);
      } catch (e) {
        if (e instanceof N.ArithmeticError) throw builtinError(name, e.message);
        throw e;
      }
    },
  };
}

function unary(name: string, op: (a: N.Num) => N.Num): BuiltinDef {
  return {
    name,
    arity: 1,
    fn: (args) => {
      const a = num(name, args, 1);
      try {
        return op(a);
      } catch (e) {
        if (e instanceof N.ArithmeticError) throw builtinError(name, e.message);
        throw e;
      }
    },
  };
}

/** Set difference for two sets (also used by the sets family). */
export function setDiff(a: RSet, b: RSet): RSet {
  const out = new RSet();
  for (const v of a) if (!b.has(v)) out.add(v);
  return out;
}

/** `minus`: numbers subtract, sets differ (arithmetic.go builtinMinus, including its error order). */
const minus: BuiltinDef = {
  name: "minus",
  arity: 2,
  fn: ([a, b]) => {
    const n1 = typeof a === "number" || typeof a === "bigint";
    const n2 = typeof b === "number" || typeof b === "bigint";
    if (n1 && n2) {
      try {
        return N.sub(a, b);
      } catch (e) {
        if (e instanceof N.ArithmeticError) throw builtinError("minus", e.message);
        throw e;
      }
    }
    const s1 = a instanceof RSet;
    const s2 = b instanceof RSet;
    if (s1 && s2) return setDiff(a, b);
    if (!n1 && !s1) throw typeError("minus", 1, a!, "number", "set");
    if (n2) throw typeError("minus", 2, b!, "set");
    throw typeError("minus", 2, b!, "number");
  },
};

/** OPA's BigIntOperand: a non-number is reported as not an "integer". */
function bigIntOperand(name: string, v: Value, pos: number): bigint {
  if (typeof v !== "number" && typeof v !== "bigint") throw typeError(name, pos, v, "integer");
  const i = N.toBigInt(v);
  if (i === undefined) throw operandError(name, pos, "must be integer number but got floating-point number");
  return i;
}

function range(name: string, x: bigint, y: bigint, step: bigint): Value[] {
  const count = (x <= y ? y - x : x - y) / step + 1n;
  if (count > BigInt(MAX_RANGE_ELEMENTS)) {
    throw new BuiltinError(
      "eval_limit_error",
      `${name}: range of ${count} numbers exceeds the limit of ${MAX_RANGE_ELEMENTS}`,
      { halt: true },
    );
  }
  const out: Value[] = [];
  if (x <= y) for (let i = x; i <= y; i += step) out.push(N.normalize(i));
  else for (let i = x; i >= y; i -= step) out.push(N.normalize(i));
  return out;
}

export const numbersBuiltins: BuiltinDef[] = [
  arith("plus", N.add),
  minus,
  arith("mul", N.mul),
  arith("div", N.div),
  arith("rem", N.rem),
  unary("abs", N.abs),
  unary("round", N.round),
  unary("ceil", N.ceil),
  unary("floor", N.floor),
  {
    name: "numbers.range",
    arity: 2,
    fn: (args) => {
      const x = bigIntOperand("numbers.range", args[0]!, 1);
      const y = bigIntOperand("numbers.range", args[1]!, 2);
      return range("numbers.range", x, y, 1n);
    },
  },
  {
    name: "numbers.range_step",
    arity: 3,
    fn: (args) => {
      const name = "numbers.range_step";
      const x = bigIntOperand(name, args[0]!, 1);
      const y = bigIntOperand(name, args[1]!, 2);
      const step = bigIntOperand(name, args[2]!, 3);
      if (step <= 0n) throw builtinError(name, "step must be a positive integer");
      return range(name, x, y, step);
    },
  },
];
