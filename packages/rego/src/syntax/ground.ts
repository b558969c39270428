import type { Term } from "./ast.ts";

/** Scalars and composites of scalars are ground; vars, refs, calls and comprehensions are not. */
export function isGround(t: Term): boolean {
  switch (t.type) {
    case "null":
    case "boolean":
    case "number":
    case "string":
      return true;
    case "array":
    case "set":
      return t.items.every(isGround);
    case "object":
      return t.entries.every(([k, v]) => isGround(k) && isGround(v));
    default:
      return false;
  }
}

/** A ref up to its first non-ground term after the head (OPA Ref.GroundPrefix). */
export function groundPrefix(ref: readonly Term[]): Term[] {
  const out: Term[] = [];
  for (const [i, t] of ref.entries()) {
    if (i > 0 && !isGround(t)) break;
    out.push(t);
  }
  return out;
}
