/**
 * Object builtins (OPA v1/topdown/object.go, subset.go): object.get object.keys object.remove
 * object.filter object.union object.union_n object.subset.
 */
import { BuiltinError } from "../errors.ts";
import { RObject, RSet, compare, equals, type Value } from "../value/value.ts";
import { arr, elementError, obj, typeError } from "./operands.ts";
import type { BuiltinDef } from "./types.ts";

/** OPA's Value.Find: walks objects by key, arrays by integer index, sets by membership. */
export function findPath(v: Value, path: readonly Value[], from = 0): Value | undefined {
  let cur = v;
  for (let i = from; i < path.length; i++) {
    const seg = path[i]!;
    if (cur instanceof RObject) {
      const next = cur.get(seg);
      if (next === undefined) return undefined;
      cur = next;
    } else if (Array.isArray(cur)) {
      if (typeof seg !== "number" || !Number.isInteger(seg)) return undefined;
      const a = cur as readonly Value[];
      if (seg < 0 || seg >= a.length) return undefined;
      cur = a[seg]!;
    } else if (cur instanceof RSet) {
      if (!cur.has(seg)) return undefined;
      cur = seg;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Keys given as an array, set or object's keys (object.go getObjectKeysParam). */
function keysParam(name: string, v: Value): RSet {
  if (Array.isArray(v)) return RSet.of(v as readonly Value[]);
  if (v instanceof RSet) return v;
  if (v instanceof RObject) return RSet.of(v.keys());
  throw typeError(name, 2, v, "object", "set", "array");
}

/**
 * OPA's Object.Filter (v1/ast/term.go filterObject): keeps the parts of `v` named by the filter tree,
 * where a null leaf keeps the whole subtree and array positions are named by decimal strings.
 */
export function filterValue(v: Value, filter: Value): Value {
  if (filter === null) return v;
  if (!(filter instanceof RObject)) return v;
  if (Array.isArray(v)) {
    const out: Value[] = [];
    (v as readonly Value[]).forEach((x, i) => {
      const sub = filter.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (v instanceof RSet) {
    const out = new RSet();
    for (const x of v.sorted()) {
      const sub = filter.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub));
    }
    return out;
  }
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.sortedEntries()) {
      const sub = filter.get(k);
      if (sub !== undefined) out.set(k, filterValue(x, sub));
    }
    return out;
  }
  return v;
}

/** Recursive merge, right wins, objects merged key by key (object.go mergeWithOverwrite). */
export function mergeWithOverwrite(a: RObject, b: RObject): RObject {
  const out = new RObject();
  for (const [k, v] of a.entries()) out.set(k, v);
  for (const [k, v] of b.entries()) {
    const old = out.get(k);
    out.set(k, old instanceof RObject && v instanceof RObject ? mergeWithOverwrite(old, v) : v);
  }
  return out;
}

function objectSubset(sup: RObject, sub: RObject): boolean {
  for (const [k, subV] of sub.entries()) {
    const supV = sup.get(k);
    if (supV === undefined) return false;
    if (equals(subV, supV)) continue;
    if (supV instanceof RObject && subV instanceof RObject) {
      if (!objectSubset(supV, subV)) return false;
    } else if (supV instanceof RSet && subV instanceof RSet) {
      if (!setSubset(supV, subV)) return false;
    } else if (Array.isArray(supV) && Array.isArray(subV)) {
      if (!arraySubset(supV as readonly Value[], subV as readonly Value[])) return false;
    } else {
      return false;
    }
  }
  return true;
}

function setSubset(sup: RSet, sub: RSet): boolean {
  for (const x of sub) if (!sup.has(x)) return false;
  return true;
}

/** `sub` appears contiguously in `sup` (subset.go arraySubset, same naive scan). */
function arraySubset(sup: readonly Value[], sub: readonly Value[]): boolean {
  if (sub.length > sup.length) return false;
  let superCursor = 0;
  let subCursor = 0;
  for (;;) {
    if (subCursor === sub.length) return true;
    if (superCursor + subCursor === sup.length) return false;
    if (compare(sup[superCursor + subCursor]!, sub[subCursor]!) === 0) subCursor++;
    else {
      superCursor++;
      subCursor = 0;
    }
  }
}

/** subset.go arraySetSubset, including its quirk that an empty array never contains the empty set. */
function arraySetSubset(sup: readonly Value[], sub: RSet): boolean {
  let unmatched = sub.size;
  for (const x of sup) {
    if (sub.has(x)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

export const objectsBuiltins: BuiltinDef[] = [
  {
    name: "object.get",
    arity: 3,
    fn: (args) => {
      const o = obj("object.get", args, 1);
      const key = args[1]!;
      // Explicit undefined checks: a present null value must win over the default.
      if (!Array.isArray(key)) {
        const v = o.get(key);
        return v === undefined ? args[2]! : v;
      }
      const path = key as readonly Value[];
      if (path.length === 0) return o;
      const found = findPath(o, path);
      return found === undefined ? args[2]! : found;
    },
  },
  {
    name: "object.keys",
    arity: 1,
    fn: (args) => RSet.of(obj("object.keys", args, 1).keys()),
  },
  {
    name: "object.remove",
    arity: 2,
    fn: (args) => {
      const o = obj("object.remove", args, 1);
      const drop = keysParam("object.remove", args[1]!);
      const out = new RObject();
      for (const [k, v] of o.entries()) if (!drop.has(k)) out.set(k, v);
      return out;
    },
  },
  {
    name: "object.filter",
    arity: 2,
    fn: (args) => {
      const o = obj("object.filter", args, 1);
      const keep = keysParam("object.filter", args[1]!);
      const out = new RObject();
      for (const [k, v] of o.sortedEntries()) if (keep.has(k)) out.set(k, v);
      return out;
    },
  },
  {
    name: "object.union",
    arity: 2,
    fn: (args) => mergeWithOverwrite(obj("object.union", args, 1), obj("object.union", args, 2)),
  },
  {
    name: "object.union_n",
    arity: 1,
    fn: (args) => {
      const objs = arr("object.union_n", args, 1);
      let out = new RObject();
      for (const o of objs) {
        if (!(o instanceof RObject)) throw elementError("object.union_n", 1, objs, o, "object");
      }
      for (const o of objs) out = mergeWithOverwrite(out, o as RObject);
      return out;
    },
  },
  {
    name: "object.subset",
    arity: 2,
    fn: ([sup, sub]) => {
      if (sup instanceof RObject && sub instanceof RObject) return objectSubset(sup, sub);
      if (sup instanceof RSet && sub instanceof RSet) return setSubset(sup, sub);
      if (Array.isArray(sup) && Array.isArray(sub))
        return arraySubset(sup as readonly Value[], sub as readonly Value[]);
      if (Array.isArray(sup) && sub instanceof RSet) return arraySetSubset(sup as readonly Value[], sub);
      // OPA raises a bare ErrOperand here (no "operand N" prefix), still an eval_type_error.
      throw new BuiltinError(
        "eval_type_error",
        "object.subset: both arguments object.subset must be of the same type or array and set",
      );
    },
  },
];
