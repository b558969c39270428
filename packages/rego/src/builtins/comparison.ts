/**
 * Comparison builtins (OPA v1/topdown/comparison.go): any two values compare in OPA's total order
 * (null < boolean < number < string < array < object < set), numbers by value.
 */
import { compare, equals, type Value } from "../value/value.ts";
import type { BuiltinDef } from "./types.ts";

function cmp(name: string, test: (a: Value, b: Value) => boolean): BuiltinDef {
  return { name, arity: 2, fn: ([a, b]) => test(a!, b!) };
}

export const comparisonBuiltins: BuiltinDef[] = [
  cmp("equal", (a, b) => equals(a, b)),
  cmp("neq", (a, b) => !equals(a, b)),
  cmp("lt", (a, b) => compare(a, b) < 0),
  cmp("lte", (a, b) => compare(a, b) <= 0),
  cmp("gt", (a, b) => compare(a, b) > 0),
  cmp("gte", (a, b) => compare(a, b) >= 0),
];
