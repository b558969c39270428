/** Set builtins (OPA v1/topdown/sets.go): and (&), or (|), intersection, union. `minus` lives in numbers.ts. */
import { RSet, type Value } from "../value/value.ts";
import { setDiff } from "./numbers.ts";
import { set, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

export function setIntersect(a: RSet, b: RSet): RSet {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const out = new RSet();
  for (const v of small) if (big.has(v)) out.add(v);
  return out;
}

export function setUnion(a: RSet, b: RSet): RSet {
  const out = new RSet();
  for (const v of a) out.add(v);
  for (const v of b) out.add(v);
  return out;
}

/** The member sets of a set of sets; a non-set member is an operand 1 type error, as in OPA. */
function setOfSets(name: string, v: Value | undefined): RSet[] {
  if (!(v instanceof RSet)) throw typeError(name, 1, v!, "set");
  const out: RSet[] = [];
  for (const x of v.sorted()) {
    if (!(x instanceof RSet)) throw typeError(name, 1, x, "set");
    out.push(x);
  }
  return out;
}

export const setsBuiltins: BuiltinDef[] = [
  // v0-only deprecated spelling of `minus` on sets.
  { name: "set_diff", arity: 2, fn: (args) => setDiff(set("set_diff", args, 1), set("set_diff", args, 2)) },
  { name: "and", arity: 2, fn: (args) => setIntersect(set("and", args, 1), set("and", args, 2)) },
  { name: "or", arity: 2, fn: (args) => setUnion(set("or", args, 1), set("or", args, 2)) },
  {
    name: "intersection",
    arity: 1,
    fn: ([v]) => {
      const sets = setOfSets("intersection", v);
      if (sets.length === 0) return new RSet();
      return sets.reduce((acc, s) => setIntersect(acc, s));
    },
  },
  {
    name: "union",
    arity: 1,
    fn: ([v]) => {
      const out = new RSet();
      for (const s of setOfSets("union", v)) for (const x of s) out.add(x);
      return out;
    },
  },
];
