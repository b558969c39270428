/**
 * Builtins the evaluator owns: membership (`x in xs`, `k, v in xs`; OPA v1/topdown/aggregates.go
 * builtinMember/builtinMemberWithKey). `print` is compiled to a dedicated expression, not a builtin.
 */
import type { BuiltinDef } from "../builtins/types.ts";
import { RObject, RSet, equals, type Value } from "../value/value.ts";
import { lookup } from "./values.ts";

function member(x: Value, coll: Value): boolean {
  if (Array.isArray(coll)) return (coll as readonly Value[]).some((e) => equals(e, x));
  if (coll instanceof RSet) return coll.has(x);
  if (coll instanceof RObject) {
    for (const v of coll.values()) if (equals(v, x)) return true;
    return false;
  }
  return false;
}

function memberWithKey(k: Value, v: Value, coll: Value): boolean {
  const got = lookup(coll, k);
  return got !== undefined && equals(got, v);
}

export const internalBuiltins: BuiltinDef[] = [
  { name: "internal.member_2", arity: 2, fn: ([x, c]) => member(x!, c!) },
  { name: "internal.member_3", arity: 3, fn: ([k, v, c]) => memberWithKey(k!, v!, c!) },
];
