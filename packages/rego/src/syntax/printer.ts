/**
 * Prints AST terms back as Rego text, for error messages ("expected rule value term (e.g., p[x] = …)")
 * and debugging. Refs print as OPA's Ref.String(): `a.b[x]["c d"]`, infix calls in call form.
 */
import type { Body, Expr, Term } from "./ast.ts";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function termToString(t: Term): string {
  switch (t.type) {
    case "null":
      return "null";
    case "boolean":
      return String(t.value);
    case "number":
      return t.text;
    case "string":
      return JSON.stringify(t.value);
    case "var":
      return t.name;
    case "ref":
      return refToString(t.terms);
    case "array":
      return `[${t.items.map(termToString).join(", ")}]`;
    case "set":
      return t.items.length === 0 ? "set()" : `{${t.items.map(termToString).join(", ")}}`;
    case "object":
      return `{${t.entries.map(([k, v]) => `${termToString(k)}: ${termToString(v)}`).join(", ")}}`;
    case "arraycomp":
      return `[${termToString(t.term)} | ${bodyToString(t.body)}]`;
    case "setcomp":
      return `{${termToString(t.term)} | ${bodyToString(t.body)}}`;
    case "objectcomp":
      return `{${termToString(t.key)}: ${termToString(t.value)} | ${bodyToString(t.body)}}`;
    case "call":
      return callToString(t.op.terms, t.args);
    case "template":
      return `$"${t.parts.map((p) => (typeof p === "string" ? p : p.type === "expr" ? `{${exprToString(p.expr)}}` : `{${termToString(p)}}`)).join("")}"`;
  }
}

export function refToString(terms: readonly Term[]): string {
  let out = "";
  terms.forEach((t, i) => {
    if (i === 0) out += termToString(t);
    else if (t.type === "string" && IDENT.test(t.value)) out += `.${t.value}`;
    else out += `[${termToString(t)}]`;
  });
  return out;
}

/** Calls print in prefix form with OPA's builtin names (`plus(x, 1)`), which shows precedence. */
function callToString(op: readonly Term[], args: readonly Term[]): string {
  return `${refToString(op)}(${args.map(termToString).join(", ")})`;
}

export function bodyToString(body: Body): string {
  return body.map(exprToString).join("; ");
}

/** One expression: `not f(x) with input as 1`, `some k, v in xs`, `every x in xs { … }`. */
export function exprToString(e: Expr): string {
  const b = e.body;
  let s: string;
  switch (b.type) {
    case "term":
      s = termToString(b.term);
      break;
    case "call":
      s = callToString(b.op.terms, b.args);
      break;
    case "some":
      s = `some ${b.vars.map(termToString).join(", ")}`;
      break;
    case "somein":
      s = `some ${b.key ? `${termToString(b.key)}, ` : ""}${termToString(b.value)} in ${termToString(b.collection)}`;
      break;
    case "every":
      s = `every ${b.key ? `${termToString(b.key)}, ` : ""}${termToString(b.value)} in ${termToString(b.domain)} { ${bodyToString(b.body)} }`;
      break;
    case "query":
      s = `{ ${bodyToString(b.query)} }`;
      break;
    case "logic":
      s = `(${exprToString(b.left)} ${b.op} ${exprToString(b.right)})`;
      break;
  }
  if (e.negated) s = `not ${s}`;
  for (const w of e.with) s += ` with ${termToString(w.target)} as ${termToString(w.value)}`;
  return s;
}
