/**
 * Safety analysis with body reordering (OPA v1/ast/compile.go checkSafetyBody / reorderBodyForSafety):
 * literals are moved so that every var is bound before a literal needs it; when no order works the
 * compiler reports `rego_unsafe_var_error: var x is unsafe`.
 */
import { RegoError, RegoErrors } from "../errors.ts";
import type { CBody, CLit, CTerm } from "./ir.ts";
import {
  canEval,
  canMatch,
  canUnify,
  exprSlots,
  freeSlots,
  isSubset,
  litSlots,
  outputSlots,
  refKeyVars,
  termNeeds,
} from "./terms.ts";

function isSafe(lit: CLit, bound: Set<number>, ctx: SafetyContext): boolean {
  for (const w of lit.with) if (!canEval(w.value, bound)) return false;
  const e = lit.expr;
  if (lit.negated) {
    // A negated literal binds nothing, so every var in it must be bound (or be local to it).
    const s = new Set<number>();
    exprSlots(e, s);
    return isSubset(s, bound);
  }
  switch (e.k) {
    case "nop":
      return true;
    case "term":
      return canEval(e.t, bound);
    case "unify":
      return canUnify(e.a, e.b, bound);
    case "call": {
      const arity = ctx.arityOf(e.fn);
      const inputs = arity !== undefined && e.args.length > arity ? e.args.slice(0, arity) : e.args;
      const given = new Set(bound);
      for (const a of inputs) refKeyVars(a, given);
      if (!inputs.every((a) => canEval(a, given))) return false;
      return inputs.length === e.args.length || canMatch(e.args[e.args.length - 1]!, bound);
    }
    case "print": {
      const s = new Set<number>();
      for (const a of e.args) termNeeds(a, s);
      return isSubset(s, bound);
    }
    case "somein":
      return canEval(e.coll, bound) && (!e.key || canMatch(e.key, bound)) && canMatch(e.value, bound);
    case "query": {
      const free = new Set<number>();
      for (const b of e.bodies) freeSlots(b, [], free);
      return isSubset(free, bound);
    }
    case "every": {
      if (!canEval(e.domain, bound)) return false;
      const free = new Set<number>();
      freeSlots(e.body, [], free);
      return isSubset(free, bound);
    }
  }
}

export interface SafetyContext {
  arityOf(fn: import("./ir.ts").Callable): number | undefined;
  nameOf(slot: number): string;
  /** Generated vars (wildcards, hoisted terms) are never reported by name. */
  /** Slots used by the rule head: never local to one literal. */
  headSlots: Set<number>;
}

/**
 * Reorders `body` in place so each literal's needs are bound, given the slots bound on entry, and
 * recursively reorders closures. Returns the slots bound after the body.
 */
export function reorderBody(body: CBody, entry: Set<number>, ctx: SafetyContext): Set<number> {
  const bound = new Set(entry);
  const pending = [...body.lits];
  const ordered: CLit[] = [];
  // Vars used by only one literal (and nowhere outside) are local to it: e.g. `not p[x]`.
  const counts = new Map<number, number>();
  for (const l of pending) {
    const s = new Set<number>();
    litSlots(l, s);
    for (const v of s) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  while (pending.length > 0) {
    let picked = -1;
    for (let i = 0; i < pending.length; i++) {
      const lit = pending[i]!;
      const local = new Set(bound);
      const s = new Set<number>();
      litSlots(lit, s);
      // Vars used only inside one negated literal are local to it (`not p[x]`).
      if (lit.negated)
        for (const v of s)
          if (counts.get(v) === 1 && body.owned.has(v) && !ctx.headSlots.has(v)) local.add(v);
      if (isSafe(lit, local, ctx)) {
        picked = i;
        break;
      }
    }
    if (picked < 0) {
      const errors: RegoError[] = [];
      for (const lit of pending) {
        const s = new Set<number>();
        litSlots(lit, s);
        const names = [...s].filter((v) => !bound.has(v)).map((v) => ctx.nameOf(v));
        for (const n of new Set(names))
          errors.push(new RegoError("rego_unsafe_var_error", `var ${n} is unsafe`, lit.loc));
        if (errors.length > 0) break;
      }
      if (errors.length === 0)
        errors.push(new RegoError("rego_unsafe_var_error", "unsafe body", pending[0]!.loc));
      throw errors.length === 1 ? errors[0]! : new RegoErrors(errors);
    }
    const lit = pending.splice(picked, 1)[0]!;
    reorderClosures(lit, bound, ctx);
    ordered.push(lit);
    if (!lit.negated) outputSlots(lit.expr, bound);
  }
  body.lits = ordered;
  return bound;
}

function reorderClosures(lit: CLit, bound: Set<number>, ctx: SafetyContext): void {
  const visit = (t: CTerm): void => {
    switch (t.k) {
      case "ref":
        visit(t.head);
        t.path.forEach(visit);
        return;
      case "array":
      case "set":
        t.items.forEach(visit);
        return;
      case "object":
        for (const [a, b] of t.entries) {
          visit(a);
          visit(b);
        }
        return;
      case "call":
        t.args.forEach(visit);
        return;
      case "template":
        for (const p of t.parts) if (typeof p !== "string") visit(p);
        return;
      case "arraycomp":
      case "setcomp": {
        const inner = reorderBody(t.body, bound, ctx);
        checkHead([t.term], inner, ctx, lit);
        return;
      }
      case "objectcomp": {
        const inner = reorderBody(t.body, bound, ctx);
        checkHead([t.key, t.value], inner, ctx, lit);
        return;
      }
      default:
        return;
    }
  };
  const e = lit.expr;
  switch (e.k) {
    case "term":
      visit(e.t);
      break;
    case "unify":
      visit(e.a);
      visit(e.b);
      break;
    case "call":
    case "print":
      e.args.forEach(visit);
      break;
    case "somein":
      visit(e.coll);
      break;
    case "query":
      for (const b of e.bodies) reorderBody(b, bound, ctx);
      break;
    case "every": {
      visit(e.domain);
      const b = new Set(bound);
      if (e.key) termVarsInto(e.key, b);
      termVarsInto(e.value, b);
      reorderBody(e.body, b, ctx);
      break;
    }
    default:
      break;
  }
  for (const w of lit.with) visit(w.value);
}

function termVarsInto(t: CTerm, out: Set<number>): void {
  outputSlots({ k: "term", t }, out);
}

/** Head terms (rule key/value, comprehension terms) must only use bound vars. */
export function checkHead(
  terms: CTerm[],
  bound: Set<number>,
  ctx: SafetyContext,
  at: { loc: CLit["loc"] },
): void {
  for (const t of terms) {
    const n = new Set<number>();
    termNeeds(t, n);
    for (const v of n) {
      if (!bound.has(v))
        throw new RegoError("rego_unsafe_var_error", `var ${ctx.nameOf(v)} is unsafe`, at.loc);
    }
  }
}
