/**
 * Name scans over the AST for scoping (OPA rewriteLocalVars): which var names occur directly in a
 * body, and which a body declares (`:=` targets, `some`, `some … in` patterns, function args).
 */
import type { Body, Expr, Term } from "../syntax/ast.ts";
import { RegoError } from "../errors.ts";
import type { Scope } from "./scope.ts";

/** Var names that occur directly in a body (not inside nested closures). */
export function collectOccurs(body: Body, out: Set<string>): void {
  for (const e of body) exprOccurs(e, out);
}

export function exprOccurs(e: Expr, out: Set<string>): void {
  const b = e.body;
  switch (b.type) {
    case "term":
      termOccurs(b.term, out);
      break;
    case "call":
      for (const a of b.args) termOccurs(a, out);
      break;
    case "some":
      break;
    case "somein":
      if (b.key) termOccurs(b.key, out);
      termOccurs(b.value, out);
      termOccurs(b.collection, out);
      break;
    case "every":
      termOccurs(b.domain, out);
      break;
  }
  for (const w of e.with) termOccurs(w.value, out);
}

export function termOccurs(t: Term, out: Set<string>): void {
  switch (t.type) {
    case "var":
      if (t.name !== "_") out.add(t.name);
      return;
    case "ref":
      t.terms.forEach((x) => termOccurs(x, out));
      return;
    case "array":
    case "set":
      t.items.forEach((x) => termOccurs(x, out));
      return;
    case "object":
      for (const [a, b] of t.entries) {
        termOccurs(a, out);
        termOccurs(b, out);
      }
      return;
    case "call":
      t.args.forEach((x) => termOccurs(x, out));
      return;
    case "template":
      for (const p of t.parts) if (typeof p !== "string" && p.type !== "expr") termOccurs(p, out);
      return;
    default:
      return;
  }
}

/** Declares the vars a body introduces in its own scope: `:=` targets, `some x`, `some … in` patterns. */
export function declareBody(body: Body, scope: Scope): void {
  body.forEach((e, i) => {
    const b = e.body;
    if (
      b.type === "call" &&
      b.op.terms.length === 1 &&
      b.op.terms[0]!.type === "var" &&
      b.op.terms[0]!.name === "assign"
    ) {
      // OPA rewriteLocalVars: a var may be assigned once per scope, and never named input or data.
      for (const name of patternVars(b.args[0]!)) {
        if (name === "input" || name === "data") {
          throw new RegoError(
            "rego_compile_error",
            `variables must not shadow ${name} (use a different variable name)`,
            e.loc,
          );
        }
        if (scope.declared.has(name))
          throw new RegoError("rego_compile_error", `var ${name} assigned above`, e.loc);
      }
      declarePattern(b.args[0]!, scope, i);
    } else if (b.type === "some") {
      for (const v of b.vars) if (v.name !== "_" && !scope.declared.has(v.name)) scope.declare(v.name, i);
    } else if (b.type === "somein") {
      if (b.key) declarePattern(b.key, scope, i);
      declarePattern(b.value, scope, i);
    }
  });
}

export function patternVars(t: Term, out: string[] = []): string[] {
  if (t.type === "var" && t.name !== "_") out.push(t.name);
  else if (t.type === "ref" && t.terms.length === 1 && t.terms[0]!.type === "var") out.push(t.terms[0]!.name);
  else if (t.type === "array") t.items.forEach((x) => patternVars(x, out));
  else if (t.type === "object") for (const [, v] of t.entries) patternVars(v, out);
  return out;
}

export function declarePattern(t: Term, scope: Scope, at = -1): void {
  switch (t.type) {
    case "var":
      if (t.name !== "_" && !scope.declared.has(t.name)) scope.declare(t.name, at);
      return;
    case "array":
      t.items.forEach((x) => declarePattern(x, scope, at));
      return;
    case "object":
      for (const [, v] of t.entries) declarePattern(v, scope, at);
      return;
    default:
      return;
  }
}
