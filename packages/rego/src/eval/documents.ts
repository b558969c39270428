/**
 * Virtual documents built from rules: ref-head paths become nested objects ("tree" objects, which
 * merge with each other), rule values are leaves (which conflict unless equal), partial sets union.
 * Conflicts are OPA's `eval_conflict_error: object keys must be unique`.
 */
import { RegoError } from "../errors.ts";
import type { Location } from "../syntax/ast.ts";
import { RObject, RSet, equals, type Value } from "../value/value.ts";

export function conflict(detail: string, loc: Location | undefined): RegoError {
  return new RegoError("eval_conflict_error", detail, loc);
}

/** Objects that are document-tree levels (packages, ref-head paths), not rule values: these merge. */
const treeObjects = new WeakSet<RObject>();

export function tree(o: RObject): RObject {
  treeObjects.add(o);
  return o;
}

/** Merges two virtual documents defined at one path: objects key by key, sets by union. */
export function mergeDocs(a: Value, b: Value, loc: Location | undefined): Value {
  if (a instanceof RObject && b instanceof RObject && treeObjects.has(a) && treeObjects.has(b)) {
    const out = tree(RObject.fromEntries(a.entries()));
    for (const [k, v] of b.entries()) {
      const cur = out.get(k);
      out.set(k, cur === undefined ? v : mergeDocs(cur, v, loc));
    }
    return out;
  }
  if (a instanceof RSet && b instanceof RSet) return RSet.of([...a, ...b]);
  if (equals(a, b)) return a;
  throw conflict("object keys must be unique", loc);
}

/** Inserts a rule's value at `keys` below `root`, creating objects; conflicting leaves are errors. */
export function insertAt(root: RObject, keys: Value[], v: Value, isSet: boolean, loc: Location): void {
  let o = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const cur = o.get(keys[i]!);
    if (cur === undefined) {
      const n = tree(new RObject());
      o.set(keys[i]!, n);
      o = n;
    } else if (cur instanceof RObject) {
      o = cur;
    } else {
      throw conflict("object keys must be unique", loc);
    }
  }
  const k = keys[keys.length - 1]!;
  const cur = o.get(k);
  if (isSet) {
    if (cur === undefined) o.set(k, RSet.of([v]));
    else if (cur instanceof RSet) cur.add(v);
    else throw conflict("object keys must be unique", loc);
    return;
  }
  if (cur !== undefined && !equals(cur, v)) throw conflict("object keys must be unique", loc);
  o.set(k, v);
}
