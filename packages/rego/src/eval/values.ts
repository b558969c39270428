/** Value navigation helpers shared by the evaluator: lookup, ordered iteration, copy-on-write set. */
import { RObject, RSet, type Value } from "../value/value.ts";

/** `v[key]` as a Rego ref step: array index, object key, set membership; undefined otherwise. */
export function lookup(v: Value, key: Value): Value | undefined {
  if (v instanceof RObject) return v.get(key);
  if (Array.isArray(v)) {
    if (typeof key === "number") {
      return Number.isInteger(key) && key >= 0 && key < v.length ? (v as readonly Value[])[key] : undefined;
    }
    return undefined;
  }
  if (v instanceof RSet) return v.has(key) ? key : undefined;
  return undefined;
}

/**
 * Calls `cb(key, value)` for each element, in OPA's order (arrays by index, objects by sorted key,
 * sets sorted), stopping when `cb` returns true. Scalars have no elements.
 */
export function iterate(v: Value, cb: (k: Value, v: Value) => boolean): boolean {
  if (Array.isArray(v)) {
    const a = v as readonly Value[];
    for (let i = 0; i < a.length; i++) if (cb(i, a[i]!)) return true;
    return false;
  }
  if (v instanceof RObject) {
    for (const [k, x] of sortedEntries(v)) if (cb(k, x)) return true;
    return false;
  }
  if (v instanceof RSet) {
    for (const m of sortedMembers(v)) if (cb(m, m)) return true;
    return false;
  }
  return false;
}

// Composite values are immutable once shared, so their sorted orders can be cached by identity.
const sortedObjects = new WeakMap<RObject, [Value, Value][]>();
const sortedSets = new WeakMap<RSet, Value[]>();

export function sortedEntries(o: RObject): [Value, Value][] {
  let s = sortedObjects.get(o);
  if (!s) {
    s = o.sortedEntries();
    sortedObjects.set(o, s);
  }
  return s;
}

export function sortedMembers(o: RSet): Value[] {
  let s = sortedSets.get(o);
  if (!s) {
    s = o.sorted();
    sortedSets.set(o, s);
  }
  return s;
}

/** A copy of `root` with `path` set to `v` (objects created along the way). */
export function setIn(root: Value | undefined, path: readonly string[], v: Value, from = 0): Value {
  if (from === path.length) return v;
  const o = root instanceof RObject ? RObject.fromEntries(root.entries()) : new RObject();
  o.set(path[from]!, setIn(o.get(path[from]!), path, v, from + 1));
  return o;
}

/**
 * A lookup in a base (store) document: OPA addresses the store by path strings, so a number key
 * also finds the object key with its text (`data[2]` reads `{"2": …}`).
 */
export function storeLookup(v: Value, key: Value): Value | undefined {
  const r = lookup(v, key);
  if (r === undefined && typeof key === "number" && v instanceof RObject) return v.get(String(key));
  return r;
}
