/**
 * Generic traversal of the AST: every expression (including those nested in comprehensions, `every`
 * bodies, braced queries, template strings and else chains) and every term.
 */
import type { Body, Expr, Module, Rule, Term } from "./ast.ts";

export interface Visitor {
  /** Called for each expression before its terms. */
  expr?(e: Expr): void;
  /** Called for each term before its children. */
  term?(t: Term): void;
}

export function walkModule(m: Module, v: Visitor): void {
  for (const r of m.rules) walkRule(r, v);
}

export function walkRule(r: Rule, v: Visitor): void {
  for (let rule: Rule | undefined = r; rule; rule = rule.else) {
    const h = rule.head;
    h.ref.forEach((t) => walkTerm(t, v));
    h.args?.forEach((t) => walkTerm(t, v));
    if (h.key) walkTerm(h.key, v);
    if (h.value) walkTerm(h.value, v);
    walkBody(rule.body, v);
  }
}

export function walkBody(body: Body, v: Visitor): void {
  for (const e of body) walkExpr(e, v);
}

export function walkExpr(e: Expr, v: Visitor): void {
  v.expr?.(e);
  const b = e.body;
  switch (b.type) {
    case "term":
      walkTerm(b.term, v);
      break;
    case "call":
      walkTerm(b.op, v);
      b.args.forEach((t) => walkTerm(t, v));
      break;
    case "some":
      b.vars.forEach((t) => walkTerm(t, v));
      break;
    case "somein":
      if (b.key) walkTerm(b.key, v);
      walkTerm(b.value, v);
      walkTerm(b.collection, v);
      break;
    case "every":
      if (b.key) walkTerm(b.key, v);
      walkTerm(b.value, v);
      walkTerm(b.domain, v);
      walkBody(b.body, v);
      break;
    case "query":
      walkBody(b.query, v);
      break;
    case "logic":
      walkExpr(b.left, v);
      walkExpr(b.right, v);
      break;
  }
  for (const w of e.with) {
    walkTerm(w.target, v);
    walkTerm(w.value, v);
  }
}

export function walkTerm(t: Term, v: Visitor): void {
  v.term?.(t);
  switch (t.type) {
    case "ref":
      t.terms.forEach((x) => walkTerm(x, v));
      return;
    case "array":
    case "set":
      t.items.forEach((x) => walkTerm(x, v));
      return;
    case "object":
      for (const [k, val] of t.entries) {
        walkTerm(k, v);
        walkTerm(val, v);
      }
      return;
    case "arraycomp":
    case "setcomp":
      walkTerm(t.term, v);
      walkBody(t.body, v);
      return;
    case "objectcomp":
      walkTerm(t.key, v);
      walkTerm(t.value, v);
      walkBody(t.body, v);
      return;
    case "call":
      walkTerm(t.op, v);
      t.args.forEach((x) => walkTerm(x, v));
      return;
    case "template":
      for (const p of t.parts) {
        if (typeof p === "string") continue;
        if (p.type === "expr") walkExpr(p.expr, v);
        else walkTerm(p, v);
      }
      return;
    default:
      return;
  }
}
