/**
 * Aggregate builtins (OPA v1/topdown/aggregates.go): count sum product max min sort, and the v0-only
 * deprecated all/any. Integer sums and products are exact (bigint); any float makes them float.
 */
import * as N from "../value/number.ts";
import { RObject, RSet, compare, type Value } from "../value/value.ts";
import { builtinError, elementError, members, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

function collection(name: string, v: Value, ...expected: string[]): readonly Value[] {
  if (Array.isArray(v)) return v as readonly Value[];
  if (v instanceof RSet) return v.sorted();
  throw typeError(name, 1, v, ...expected);
}

/** sum/product: exact over integers, float as soon as one element is not integral. */
function accumulate(name: string, v: Value, init: bigint, op: "add" | "mul"): Value {
  const xs = collection(name, v, "set", "array");
  let exact: bigint | undefined = init;
  for (const x of xs) {
    if (typeof x !== "number" && typeof x !== "bigint") throw elementError(name, 1, v, x, "number");
    const i = N.toBigInt(x);
    if (i === undefined || exact === undefined) exact = undefined;
    else exact = op === "add" ? exact + i : exact * i;
  }
  if (exact !== undefined) return N.normalize(exact);
  let acc = Number(init);
  for (const x of xs) acc = op === "add" ? acc + N.toFloat(x as N.Num) : acc * N.toFloat(x as N.Num);
  try {
    return N.floatResult(acc);
  } catch (e) {
    if (e instanceof N.ArithmeticError) throw builtinError(name, e.message);
    throw e;
  }
}

function extreme(name: string, v: Value, sign: 1 | -1): Value | undefined {
  const xs = collection(name, v, "set", "array");
  if (xs.length === 0) return undefined;
  let best: Value = xs[0] as Value;
  for (const x of xs) if (compare(x, best) * sign > 0) best = x;
  return best;
}

export const aggregatesBuiltins: BuiltinDef[] = [
  {
    name: "count",
    arity: 1,
    fn: ([v]) => {
      if (Array.isArray(v)) return v.length;
      if (v instanceof RObject || v instanceof RSet) return v.size;
      if (typeof v === "string") {
        // Go counts runes (code points), not UTF-16 units.
        let n = 0;
        for (const _ of v) n++;
        return n;
      }
      throw typeError("count", 1, v!, "array", "object", "set", "string");
    },
  },
  { name: "sum", arity: 1, fn: ([v]) => accumulate("sum", v!, 0n, "add") },
  { name: "product", arity: 1, fn: ([v]) => accumulate("product", v!, 1n, "mul") },
  { name: "max", arity: 1, fn: ([v]) => extreme("max", v!, 1) },
  { name: "min", arity: 1, fn: ([v]) => extreme("min", v!, -1) },
  {
    name: "sort",
    arity: 1,
    fn: ([v]) => {
      if (Array.isArray(v)) return [...(v as readonly Value[])].sort(compare);
      if (v instanceof RSet) return v.sorted();
      throw typeError("sort", 1, v!, "set", "array");
    },
  },
  {
    name: "all",
    arity: 1,
    fn: ([v]) => {
      if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError("all", 1, v!, "array", "set");
      return members(v as readonly Value[] | RSet).every((x) => x === true);
    },
  },
  {
    name: "any",
    arity: 1,
    fn: ([v]) => {
      if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError("any", 1, v!, "array", "set");
      return members(v as readonly Value[] | RSet).some((x) => x === true);
    },
  },
];
