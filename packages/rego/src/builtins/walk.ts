/**
 * `walk` (OPA v1/topdown/walk.go): a relation yielding [path, value] for every node of a document,
 * pre-order, the root first with path []. Object keys and set members are visited in Rego order.
 */
import { RObject, RSet, type Value } from "../value/value.ts";
import type { BuiltinDef } from "./types.ts";

export function walkValue(root: Value): Value[] {
  const out: Value[] = [];
  const path: Value[] = [];
  const visit = (v: Value): void => {
    out.push([[...path], v]);
    if (Array.isArray(v)) {
      (v as readonly Value[]).forEach((x, i) => {
        path.push(i);
        visit(x);
        path.pop();
      });
    } else if (v instanceof RObject) {
      for (const [k, x] of v.sortedEntries()) {
        path.push(k);
        visit(x);
        path.pop();
      }
    } else if (v instanceof RSet) {
      for (const x of v.sorted()) {
        path.push(x);
        visit(x);
        path.pop();
      }
    }
  };
  visit(root);
  return out;
}

export const walkBuiltins: BuiltinDef[] = [
  { name: "walk", arity: 1, relation: true, fn: ([v]) => walkValue(v!) },
];
