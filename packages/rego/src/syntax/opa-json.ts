/**
 * The AST as OPA serialises it (v1/ast term.go, policy.go MarshalJSON), for `rego.parse_module` and
 * tools that exchange ASTs with OPA: terms are `{"type": <kind>, "value": …}`, expressions
 * `{"index", "terms", "negated"?, "with"?}`, rules `{"head": {"name", "ref", "key"?, "value"?,
 * "args"?, "assign"?}, "body", "default"?, "else"?}`. Locations are omitted, as OPA omits them by
 * default.
 */
import type { Annotations, Body, Expr, Import, Module, Rule, Term } from "./ast.ts";

/** JSON values; integers beyond 2^53 stay exact as bigint (OPA keeps number text). */
type JSONValue = null | boolean | number | bigint | string | JSONValue[] | { [k: string]: JSONValue };

export function termToOPAJSON(t: Term): JSONValue {
  switch (t.type) {
    case "null":
      return { type: "null", value: null };
    case "boolean":
      return { type: "boolean", value: t.value };
    case "number":
      return { type: "number", value: t.value };
    case "string":
      return { type: "string", value: t.value };
    case "var":
      return { type: "var", value: t.name };
    case "ref":
      return { type: "ref", value: t.terms.map(termToOPAJSON) };
    case "array":
      return { type: "array", value: t.items.map(termToOPAJSON) };
    case "set":
      return { type: "set", value: t.items.map(termToOPAJSON) };
    case "object":
      return { type: "object", value: t.entries.map(([k, v]) => [termToOPAJSON(k), termToOPAJSON(v)]) };
    case "arraycomp":
      return {
        type: "arraycomprehension",
        value: { term: termToOPAJSON(t.term), body: bodyToOPAJSON(t.body) },
      };
    case "setcomp":
      return {
        type: "setcomprehension",
        value: { term: termToOPAJSON(t.term), body: bodyToOPAJSON(t.body) },
      };
    case "objectcomp":
      return {
        type: "objectcomprehension",
        value: { key: termToOPAJSON(t.key), value: termToOPAJSON(t.value), body: bodyToOPAJSON(t.body) },
      };
    case "call":
      return { type: "call", value: [termToOPAJSON(t.op), ...t.args.map(termToOPAJSON)] };
    case "template":
      return {
        type: "templatestring",
        value: t.parts.map((p) =>
          typeof p === "string"
            ? { type: "string", value: p }
            : p.type === "expr"
              ? exprToOPAJSON(p.expr, 0)
              : termToOPAJSON(p),
        ),
      };
  }
}

export function bodyToOPAJSON(body: Body): JSONValue[] {
  return body.map((e, i) => exprToOPAJSON(e, i));
}

function exprTerms(e: Expr): JSONValue {
  const b = e.body;
  switch (b.type) {
    case "term":
      return termToOPAJSON(b.term);
    case "call":
      return [termToOPAJSON(b.op), ...b.args.map(termToOPAJSON)];
    case "some":
      return { symbols: b.vars.map(termToOPAJSON) };
    case "somein": {
      const member = b.key ? "member_3" : "member_2";
      const args = b.key ? [b.key, b.value, b.collection] : [b.value, b.collection];
      const op: JSONValue = {
        type: "ref",
        value: [
          { type: "var", value: "internal" },
          { type: "string", value: member },
        ],
      };
      return { symbols: [{ type: "call", value: [op, ...args.map(termToOPAJSON)] }] };
    }
    case "every":
      return {
        ...(b.key ? { key: termToOPAJSON(b.key) } : {}),
        value: termToOPAJSON(b.value),
        domain: termToOPAJSON(b.domain),
        body: bodyToOPAJSON(b.body),
      };
    case "query":
      return { query: bodyToOPAJSON(b.query) };
    case "logic":
      return { op: b.op, left: exprToOPAJSON(b.left, 0), right: exprToOPAJSON(b.right, 1) };
  }
}

export function exprToOPAJSON(e: Expr, index: number): JSONValue {
  const out: { [k: string]: JSONValue } = { index, terms: exprTerms(e) };
  if (e.negated) out.negated = true;
  if (e.generated) out.generated = true;
  if (e.with.length > 0) {
    out.with = e.with.map((w) => ({ target: termToOPAJSON(w.target), value: termToOPAJSON(w.value) }));
  }
  return out;
}

function ruleToOPAJSON(r: Rule): JSONValue {
  const h = r.head;
  const head: { [k: string]: JSONValue } = {};
  const first = h.ref[0]!;
  // OPA's Head.Name: the rule name for simple heads (a single var, or v0 `p[k]` / `p[k] = v`)
  if (first.type === "var" && (h.ref.length === 1 || (h.ref.length === 2 && h.key !== undefined)))
    head.name = first.name;
  head.ref = h.ref.map(termToOPAJSON);
  if (h.args) head.args = h.args.map(termToOPAJSON);
  if (h.key) head.key = termToOPAJSON(h.key);
  if (h.value) head.value = termToOPAJSON(h.value);
  if (h.assign) head.assign = true;
  const out: { [k: string]: JSONValue } = { head, body: bodyToOPAJSON(r.body) };
  if (r.default) out.default = true;
  if (r.else) out.else = ruleToOPAJSON(r.else);
  if (r.annotations?.length) out.annotations = r.annotations.map(annotationToOPAJSON);
  return out;
}

function importToOPAJSON(i: Import): JSONValue {
  return { path: termToOPAJSON(i.path), ...(i.alias !== undefined ? { alias: i.alias } : {}) };
}

/** An annotation's OPA fields (what `rego.metadata.rule()` returns), without location and target. */
export function annotationToOPAJSON(a: Annotations): { [k: string]: JSONValue } {
  const { loc: _loc, target: _target, ...fields } = a;
  return JSON.parse(JSON.stringify(fields)) as { [k: string]: JSONValue };
}

/** A module in OPA's JSON AST form; `package.path` starts with the `data` var, as in OPA. */
export function moduleToOPAJSON(m: Module): JSONValue {
  const out: { [k: string]: JSONValue } = {
    package: {
      path: [{ type: "var", value: "data" }, ...m.package.path.map((p) => ({ type: "string", value: p }))],
    },
  };
  if (m.imports.length > 0) out.imports = m.imports.map(importToOPAJSON);
  if (m.rules.length > 0) out.rules = m.rules.map(ruleToOPAJSON);
  if (m.annotations?.length) out.annotations = m.annotations.map(annotationToOPAJSON);
  return out;
}
