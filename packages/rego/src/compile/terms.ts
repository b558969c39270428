/** Var analysis over compiled terms, for safety reordering (OPA v1/ast/compile.go checkSafetyBody). */
import type { CBody, CExpr, CLit, CTerm } from "./ir.ts";
import { keyOf } from "../value/value.ts";

/** Every slot in a term, including inside closures. */
export function allSlots(t: CTerm, out: Set<number>): void {
  switch (t.k) {
    case "var":
      out.add(t.slot);
      return;
    case "ref":
      allSlots(t.head, out);
      for (const p of t.path) allSlots(p, out);
      return;
    case "array":
    case "set":
      for (const i of t.items) allSlots(i, out);
      return;
    case "object":
      for (const [a, b] of t.entries) {
        allSlots(a, out);
        allSlots(b, out);
      }
      return;
    case "arraycomp":
    case "setcomp":
      allSlots(t.term, out);
      bodySlots(t.body, out);
      return;
    case "objectcomp":
      allSlots(t.key, out);
      allSlots(t.value, out);
      bodySlots(t.body, out);
      return;
    case "call":
      for (const a of t.args) allSlots(a, out);
      return;
    case "template":
      for (const p of t.parts) if (typeof p !== "string") allSlots(p, out);
      return;
    case "with":
      allSlots(t.t, out);
      for (const w of t.with) allSlots(w.value, out);
      return;
    default:
      return;
  }
}

export function bodySlots(b: CBody, out: Set<number>): void {
  for (const l of b.lits) litSlots(l, out);
}

export function litSlots(l: CLit, out: Set<number>): void {
  exprSlots(l.expr, out);
  for (const w of l.with) allSlots(w.value, out);
}

export function exprSlots(e: CExpr, out: Set<number>): void {
  switch (e.k) {
    case "term":
      allSlots(e.t, out);
      return;
    case "unify":
      allSlots(e.a, out);
      allSlots(e.b, out);
      return;
    case "call":
    case "print":
      for (const a of e.args) allSlots(a, out);
      return;
    case "somein":
      if (e.key) allSlots(e.key, out);
      allSlots(e.value, out);
      allSlots(e.coll, out);
      return;
    case "every":
      if (e.key) allSlots(e.key, out);
      allSlots(e.value, out);
      allSlots(e.domain, out);
      bodySlots(e.body, out);
      return;
    case "query":
      for (const b of e.bodies) bodySlots(b, out);
      return;
    default:
      return;
  }
}

/** Free vars of a closure body: slots it uses that an enclosing scope owns. */
export function freeSlots(b: CBody, extra: CTerm[], out: Set<number>): void {
  const s = new Set<number>();
  bodySlots(b, s);
  for (const t of extra) allSlots(t, s);
  for (const v of s) if (!b.owned.has(v)) out.add(v);
}

/**
 * Vars that must be bound before a term can be evaluated to values. Vars used as ref keys are not
 * needed: evaluation enumerates them (they are outputs).
 */
export function termNeeds(t: CTerm, out: Set<number>): void {
  switch (t.k) {
    case "var":
      out.add(t.slot);
      return;
    case "ref":
      termNeeds(t.head, out);
      for (const p of t.path) keyNeeds(p, out);
      return;
    case "array":
    case "set":
      for (const i of t.items) termNeeds(i, out);
      return;
    case "object":
      for (const [a, b] of t.entries) {
        termNeeds(a, out);
        termNeeds(b, out);
      }
      return;
    case "arraycomp":
    case "setcomp":
      freeSlots(t.body, [t.term], out);
      return;
    case "objectcomp":
      freeSlots(t.body, [t.key, t.value], out);
      return;
    case "call": {
      // Vars that a ref argument enumerates are bound by the time the call runs.
      const n = new Set<number>();
      const given = new Set<number>();
      for (const a of t.args) {
        termNeeds(a, n);
        refKeyVars(a, given);
      }
      for (const v of n) if (!given.has(v)) out.add(v);
      return;
    }
    case "template":
      for (const p of t.parts) if (typeof p !== "string") termNeeds(p, out);
      return;
    case "with":
      termNeeds(t.t, out);
      for (const w of t.with) termNeeds(w.value, out);
      return;
    default:
      return;
  }
}

/** Vars used as keys of refs (outside closures): evaluating the ref binds them. */
export function refKeyVars(t: CTerm, out: Set<number>): void {
  switch (t.k) {
    case "ref":
      refKeyVars(t.head, out);
      for (const p of t.path) {
        if (p.k === "var") out.add(p.slot);
        else refKeyVars(p, out);
      }
      return;
    case "array":
    case "set":
      for (const i of t.items) refKeyVars(i, out);
      return;
    case "object":
      for (const [a, b] of t.entries) {
        refKeyVars(a, out);
        refKeyVars(b, out);
      }
      return;
    case "call":
      for (const a of t.args) refKeyVars(a, out);
      return;
    default:
      return;
  }
}

function keyNeeds(t: CTerm, out: Set<number>): void {
  if (t.k === "var") return;
  if (t.k === "array") {
    for (const i of t.items) keyNeeds(i, out);
    return;
  }
  if (t.k === "object") {
    for (const [a, b] of t.entries) {
      termNeeds(a, out);
      keyNeeds(b, out);
    }
    return;
  }
  termNeeds(t, out);
}

/** Slots a literal binds when it succeeds (vars outside closures). */
export function outputSlots(e: CExpr, out: Set<number>): void {
  switch (e.k) {
    case "term":
      shallow(e.t, out);
      return;
    case "unify":
      shallow(e.a, out);
      shallow(e.b, out);
      return;
    case "call":
    case "print":
      for (const a of e.args) shallow(a, out);
      return;
    case "somein":
      if (e.key) shallow(e.key, out);
      shallow(e.value, out);
      shallow(e.coll, out);
      return;
    default:
      return;
  }
}

/** Slots in a term outside closures. */
export function shallow(t: CTerm, out: Set<number>): void {
  switch (t.k) {
    case "var":
      out.add(t.slot);
      return;
    case "ref":
      shallow(t.head, out);
      for (const p of t.path) shallow(p, out);
      return;
    case "array":
    case "set":
      for (const i of t.items) shallow(i, out);
      return;
    case "object":
      for (const [a, b] of t.entries) {
        shallow(a, out);
        shallow(b, out);
      }
      return;
    case "call":
      for (const a of t.args) shallow(a, out);
      return;
    case "template":
      for (const p of t.parts) if (typeof p !== "string") shallow(p, out);
      return;
    case "with":
      shallow(t.t, out);
      return;
    default:
      return;
  }
}

export function isSubset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** True when the term can be evaluated given bound vars. */
export function canEval(t: CTerm, bound: Set<number>): boolean {
  const n = new Set<number>();
  termNeeds(t, n);
  return isSubset(n, bound);
}

/** True when the term can receive a value by unification given bound vars. */
export function canMatch(t: CTerm, bound: Set<number>): boolean {
  switch (t.k) {
    case "var":
      return true;
    case "array":
      return t.items.every((i) => canMatch(i, bound));
    case "object":
      return t.entries.every(([k, v]) => canEval(k, bound) && canMatch(v, bound));
    default:
      return canEval(t, bound);
  }
}

/** Unification `a = b` is safe when one side evaluates and the other matches, or pairwise for arrays. */
export function canUnify(a: CTerm, b: CTerm, bound: Set<number>): boolean {
  if (canEval(a, bound) && canMatch(b, bound)) return true;
  if (canEval(b, bound) && canMatch(a, bound)) return true;
  if (a.k === "array" && b.k === "array" && a.items.length === b.items.length) {
    const B = new Set(bound);
    const pending = a.items.map((x, i) => [x, b.items[i]!] as const);
    let progress = true;
    while (pending.length > 0 && progress) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const [x, y] = pending[i]!;
        if (canUnify(x, y, B)) {
          shallow(x, B);
          shallow(y, B);
          pending.splice(i, 1);
          progress = true;
          break;
        }
      }
    }
    return pending.length === 0;
  }
  if (a.k === "object" && b.k === "object" && a.entries.length === b.entries.length) {
    if (!a.entries.every(([k]) => canEval(k, bound)) || !b.entries.every(([k]) => canEval(k, bound)))
      return false;
    // Pair values by constant key where possible, then treat like arrays.
    const xs: CTerm[] = [];
    const ys: CTerm[] = [];
    for (const [ka, va] of a.entries) {
      const m = b.entries.find(([kb]) => ka.k === "const" && kb.k === "const" && keyOf(ka.v) === keyOf(kb.v));
      if (!m) return true;
      xs.push(va);
      ys.push(m[1]);
    }
    return canUnify({ k: "array", items: xs }, { k: "array", items: ys }, bound);
  }
  return false;
}
